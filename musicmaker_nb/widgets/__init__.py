"""The notebook app: upload, prompt, timeline, player and export widgets, and variant comparison.

ipywidgets 8, and anywidget for the few parts that need a little JavaScript: ``MediaFile``
(players and downloads that work in every front-end) and the timeline's playhead.
``MusicMakerApp(session)`` composes the parts; each part also works alone with a session.
"""

from ._app import MusicMakerApp
from ._controls import HistoryButtons, PlanControls, control_message
from ._compare import Variant, VariantGrid, compare
from ._export import ExportPanel
from ._header import StatusBar
from ._media import MediaFile
from ._music_picture import fetch_music_curves, music_curves, music_picture_svg
from ._player import Player
from ._progress import ProgressBar
from ._prompt import EXAMPLE_PROMPTS, PromptPanel
from ._timeline import TimelineCanvas, TimelineView
from ._upload import UploadPanel

__all__ = [
    "MusicMakerApp",
    "UploadPanel",
    "PromptPanel",
    "PlanControls",
    "HistoryButtons",
    "control_message",
    "TimelineView",
    "TimelineCanvas",
    "music_picture_svg",
    "music_curves",
    "fetch_music_curves",
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
