"""The notebook app: upload, prompt, timeline, player and export widgets, and variant comparison.

ipywidgets 8 only, no custom JavaScript. ``MusicMakerApp(session)`` composes the parts; each
part also works alone with a session.
"""

from ._app import MusicMakerApp
from ._controls import HistoryButtons, PlanControls, control_message
from ._compare import Variant, VariantGrid, compare
from ._export import ExportPanel
from ._header import StatusBar
from ._player import Player
from ._progress import ProgressBar
from ._prompt import EXAMPLE_PROMPTS, PromptPanel
from ._timeline import TimelineView
from ._upload import UploadPanel

__all__ = [
    "MusicMakerApp",
    "UploadPanel",
    "PromptPanel",
    "PlanControls",
    "HistoryButtons",
    "control_message",
    "TimelineView",
    "Player",
    "ExportPanel",
    "StatusBar",
    "ProgressBar",
    "EXAMPLE_PROMPTS",
    "compare",
    "Variant",
    "VariantGrid",
]
