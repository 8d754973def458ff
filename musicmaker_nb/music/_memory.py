"""Keeping freed memory for the next piece (glibc only): fresh pages are what a piece costs most.

A 30 s piece works on a dozen stereo buffers of 10 MB. glibc hands each one out as fresh pages
from the kernel and gives them back when it is freed, so every piece touches some 13,000 new pages
again; in a virtual machine a first touch costs up to 20 microseconds, which was half the time of
a piece. Raising glibc's thresholds (``mallopt``) once per process makes freed buffers stay in the
heap and serve the next piece. The cost: the process keeps up to ``_KEEP`` of freed memory instead
of returning it. ``MUSICMAKER_KEEP_MEMORY=0`` leaves glibc's defaults; other C libraries
(macOS, musl) are left alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform

__all__ = ["KEEP_MEMORY_ENV", "keep_freed_memory"]

KEEP_MEMORY_ENV = "MUSICMAKER_KEEP_MEMORY"
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_AT = 32 << 20  # glibc's largest: a buffer above it (a piece over 95 s) is still mapped afresh
_KEEP = 256 << 20


@functools.lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Whether glibc was told to keep freed buffers (once per process; see the module's docstring)."""
    if os.environ.get(KEEP_MEMORY_ENV, "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_AT)) and bool(libc.mallopt(_M_TRIM_THRESHOLD, _KEEP))
    except (OSError, AttributeError):
        return False
