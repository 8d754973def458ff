"""Where each call goes and the headers it carries. The client fills the paths in; the engine
serves the same functions called with ``"{name}"`` placeholders, so the two cannot drift."""

from __future__ import annotations

from ._constants import APP_NAME

__all__ = [
    "Routes",
    "SKILL_SOURCE_HEADER",
    "SKILL_VERSION_HEADER",
    "SKILL_PLATFORM_HEADER",
    "ATTRIBUTION_HEADERS",
    "PLATFORMS",
    "CLIENT_ID_HEADER",
    "ENGINE_HEADER",
]

SKILL_SOURCE_HEADER = "X-Skill-Source"
SKILL_VERSION_HEADER = "X-Skill-Version"
SKILL_PLATFORM_HEADER = "X-Skill-Platform"
ATTRIBUTION_HEADERS = (SKILL_SOURCE_HEADER, SKILL_VERSION_HEADER, SKILL_PLATFORM_HEADER)
PLATFORMS = ("clawhub", "cursor", "unknown")
CLIENT_ID_HEADER = "X-Client-Id"
# Every answer of the embedded engine carries it (its version): the client then follows the
# engine's rules (it decides uploads by content) rather than the hosted service's.
ENGINE_HEADER = "X-Music-Maker-Engine"


class Routes:
    anonymous_token = "/api/auth/anonymous-token"
    create_session = f"/api/tasks/me/with-session/{APP_NAME}"
    run_sse = "/run_sse"
    credits = "/api/credits/balance/simple"
    render = "/api/render/proxy/lambda"
    # the embedded engine's own additions
    health = "/api/health"

    @staticmethod
    def upload(session_id: str) -> str:
        return f"/api/upload-video/{APP_NAME}/me/{session_id}"

    @staticmethod
    def state(session_id: str) -> str:
        return f"/api/state/{APP_NAME}/me/{session_id}/latest"

    @staticmethod
    def render_status(render_id: str) -> str:
        return f"{Routes.render}/{render_id}"

    @staticmethod
    def file(kind: str, name: str) -> str:
        """A stored upload or render output (engine only)."""
        return f"/api/files/{kind}/{name}"
