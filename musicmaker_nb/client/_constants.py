"""Every default in one place: endpoints, timeouts, retries, polling, limits."""

from __future__ import annotations

__all__ = [
    "HOSTED_BASE_URL",
    "APP_NAME",
    "SKILL_SOURCE",
    "CONNECT_TIMEOUT_S",
    "REQUEST_TIMEOUT_S",
    "STREAM_TIMEOUT_S",
    "HEARTBEAT_NOTICE_S",
    "RATE_LIMIT_WAIT_S",
    "MAX_RETRY_AFTER_S",
    "RENDER_POLL_INTERVAL_S",
    "HOSTED_RENDER_POLL_INTERVAL_S",
    "RENDER_DEADLINE_S",
    "MAX_UPLOAD_BYTES",
    "UPLOAD_CHUNK_BYTES",
    "ACCEPTED_FORMATS",
    "VIDEO_FORMATS",
    "AUDIO_FORMATS",
    "IMAGE_FORMATS",
    "REGISTRATION_URL",
    "DEFAULT_BGM_VOLUME",
    "DEFAULT_TITLE_MS",
    "TOKEN_ENV",
    "BASE_URL_ENV",
]

HOSTED_BASE_URL = "https://mega-api-prod.nemovideo.ai"
APP_NAME = "nemo_agent"
SKILL_SOURCE = "music-maker"
TOKEN_ENV = "NEMO_TOKEN"
BASE_URL_ENV = "MUSICMAKER_BASE_URL"
REGISTRATION_URL = "https://nemovideo.ai/"

CONNECT_TIMEOUT_S = 10.0
REQUEST_TIMEOUT_S = 120.0
# The hosted agent may think for a long time; the protocol caps a stream at 15 minutes.
STREAM_TIMEOUT_S = 15 * 60.0
HEARTBEAT_NOTICE_S = 120.0

RATE_LIMIT_WAIT_S = 30.0
# A server asking for a longer pause than this is more likely wrong than patient.
MAX_RETRY_AFTER_S = 120.0

RENDER_POLL_INTERVAL_S = 0.5
HOSTED_RENDER_POLL_INTERVAL_S = 30.0
RENDER_DEADLINE_S = 30 * 60.0

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
UPLOAD_CHUNK_BYTES = 1024 * 1024

VIDEO_FORMATS = ("mp4", "mov", "avi", "webm", "mkv")
AUDIO_FORMATS = ("mp3", "wav", "m4a", "aac")
IMAGE_FORMATS = ("jpg", "jpeg", "png", "gif", "webp")
ACCEPTED_FORMATS = VIDEO_FORMATS + AUDIO_FORMATS + IMAGE_FORMATS

DEFAULT_BGM_VOLUME = 0.35
DEFAULT_TITLE_MS = 3000
