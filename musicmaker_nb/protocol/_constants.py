"""The protocol's fixed values: the app's name on the wire, what may be uploaded, the draft's defaults."""

from __future__ import annotations

__all__ = [
    "APP_NAME",
    "SKILL_SOURCE",
    "MAX_UPLOAD_BYTES",
    "VIDEO_FORMATS",
    "AUDIO_FORMATS",
    "IMAGE_FORMATS",
    "ACCEPTED_FORMATS",
    "HOSTED_FORMATS",
    "DEFAULT_BGM_VOLUME",
    "DEFAULT_TITLE_MS",
]

APP_NAME = "nemo_agent"
SKILL_SOURCE = "music-maker"

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
VIDEO_FORMATS = ("mp4", "mov", "avi", "webm", "mkv")
AUDIO_FORMATS = ("mp3", "wav", "m4a", "aac")
IMAGE_FORMATS = ("jpg", "jpeg", "png", "gif", "webp")
ACCEPTED_FORMATS = VIDEO_FORMATS + AUDIO_FORMATS + IMAGE_FORMATS  # the engine's names (it decides by content)
# What the hosted service lists, in its order; it has no "jpeg" spelling.
HOSTED_FORMATS = ("mp4", "mov", "avi", "webm", "mkv", "jpg", "png", "gif", "webp", "mp3", "wav", "m4a", "aac")

DEFAULT_BGM_VOLUME = 0.35
DEFAULT_TITLE_MS = 3000
