"""The ``musicmaker`` command (demo, make, serve, soundfonts, gallery, bench), above everything else."""

from ._main import main

__all__ = ["main"]
