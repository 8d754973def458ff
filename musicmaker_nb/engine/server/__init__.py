"""The engine as a web app: its routes, who may call them, the render queue, and the uvicorn
server that runs it in a background thread or in the foreground."""

from ._app import create_app
from ._jobs import RenderQueue
from ._server import RunningEngine, serve_forever, start

__all__ = ["create_app", "RenderQueue", "RunningEngine", "start", "serve_forever"]
