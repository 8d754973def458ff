"""The client's defaults in one place: endpoints, timeouts, retries, polling. (The protocol's own
limits and formats are in ``musicmaker_nb.protocol``.)"""

from __future__ import annotations

__all__ = [
    "HOSTED_BASE_URL",
    "CONNECT_TIMEOUT_S",
    "REQUEST_TIMEOUT_S",
    "STREAM_TIMEOUT_S",
    "HEARTBEAT_NOTICE_S",
    "RATE_LIMIT_WAIT_S",
    "MAX_RETRY_AFTER_S",
    "RENDER_POLL_INTERVAL_S",
    "HOSTED_RENDER_POLL_INTERVAL_S",
    "RENDER_DEADLINE_S",
    "UPLOAD_CHUNK_BYTES",
    "REGISTRATION_URL",
    "TOKEN_ENV",
    "BASE_URL_ENV",
]

HOSTED_BASE_URL = "https://mega-api-prod.nemovideo.ai"
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

UPLOAD_CHUNK_BYTES = 1024 * 1024

