"""The embedded engine: the Music Maker API served from this machine, offline.

``musicmaker_nb.connect()`` with no base URL calls :func:`start`; ``musicmaker serve`` runs the
same app in the foreground for a class to share.
"""

from ._config import EngineConfig, LLMConfig, default_home
from .server._app import create_app
from .server._server import RunningEngine, start

__all__ = ["start", "RunningEngine", "create_app", "EngineConfig", "LLMConfig", "default_home"]
