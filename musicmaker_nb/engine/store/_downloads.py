"""Media fetched from http(s) URLs: only public addresses (unless the engine allows private
ones), every redirect hop checked again, streamed to disk under the same size limit and quota
as an upload. Blocking: run in a worker thread."""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from typing import Callable

import httpx

from ...protocol import Code
from .._errors import EngineError
from ._store import Store
from ._uploads import FileSink, Received, sanitize_filename, too_large_error

__all__ = ["address_refusal", "check_url", "resolve_host", "download_url"]

_MAX_REDIRECTS = 5
_URL_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from, or None when it is a public one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for test, kind in ((ip.is_loopback, "a loopback"), (ip.is_private, "a private"),
                       (ip.is_link_local, "a link-local"), (ip.is_multicast, "a multicast"),
                       (ip.is_reserved, "a reserved"), (ip.is_unspecified, "an unspecified")):
        if test:
            return f"{address} is {kind} address"
    return None


def check_url(url: str, resolve: Callable[[str, int], list[str]], allow_private: bool) -> None:
    """Refuse anything but http(s) URLs to public addresses (unless private ones are allowed)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"only http and https URLs can be uploaded, got {url!r}")
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(parts.hostname, port)
    except OSError as exc:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"cannot resolve {parts.hostname!r}: {exc}") from None
    for address in addresses:
        if reason := address_refusal(address):
            raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"refusing to fetch {url!r}: {reason}; start the engine with "
                                    "--allow-private-urls to allow it")


def resolve_host(host: str, port: int) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


def _url_name(url: str) -> str:
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    return sanitize_filename(path.rsplit("/", 1)[-1], fallback="download")


def download_url(url: str, store: Store, limit: int, allow_private: bool) -> Received:
    """Fetch ``url`` into a temporary file (blocking: run it in a worker thread)."""
    try:
        return _download(url, store, limit, allow_private)
    except httpx.HTTPError as exc:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"could not fetch {url!r}: {exc or type(exc).__name__}") from None


def _download(url: str, store: Store, limit: int, allow_private: bool) -> Received:
    with httpx.Client(timeout=_URL_TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for _ in range(_MAX_REDIRECTS + 1):
            check_url(url, resolve_host, allow_private)
            with client.stream("GET", url) as response:
                if response.is_redirect:
                    url = str(response.url.join(response.headers["location"]))
                    continue  # each hop is checked again: a public URL may redirect to a private one
                if response.status_code != 200:
                    raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"could not fetch {url!r}: HTTP {response.status_code}")
                return _save_response(response, _url_name(url), store, limit)
    raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"too many redirects fetching {url!r}")


def _save_response(response: httpx.Response, name: str, store: Store, limit: int) -> Received:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large_error(name, limit)
    sink = FileSink(store, name, limit, store.room_bytes())
    try:
        for chunk in response.iter_bytes(1 << 20):
            sink.write(chunk)
    except BaseException:
        sink.discard()
        raise
    return sink.finish()
