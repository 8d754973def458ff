"""The notebook app: upload, prompt, timeline, player and export widgets, and variant comparison.

ipywidgets 8, plus one small anywidget (``MediaFile``: players and downloads that work in every
front-end). ``MusicMakerApp(session)`` composes the parts; each
part also works alone with a session.
"""

from ._app import MusicMakerApp
from ._compare import Variant, VariantGrid, compare
from ._export import ExportPanel
from ._header import StatusBar
from ._media import MediaFile
from ._player import Player
from ._progress import ProgressBar
from ._prompt import EXAMPLE_PROMPTS, PromptPanel
from ._timeline import TimelineView
from ._upload import UploadPanel

__all__ = [
    "MusicMakerApp",
    "UploadPanel",
    "PromptPanel",
    "TimelineView",
    "Player",
    "MediaFile",
    "ExportPanel",
    "StatusBar",
    "ProgressBar",
    "EXAMPLE_PROMPTS",
    "compare",
    "Variant",
    "VariantGrid",
]
