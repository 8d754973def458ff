"""Media fetched from http(s) URLs.

Every hop (the URL, then each redirect) is read first: a URL that httpx or Python's own parser
cannot read (a port past 65535, an unclosed ``[``, a host label over 63 characters) is ``422``.
Then it is checked: only http and https, and only public addresses unless the engine allows
private ones (``4001``). The host is resolved once and the connection goes to exactly the
addresses that were checked, while the Host header, TLS SNI and the certificate check keep the
name: no second lookup that a rebinding DNS server could answer differently. An IPv6 address
that carries an IPv4 one (mapped, compatible, 6to4, NAT64, Teredo) is judged by that one too.

The whole download, redirects included, has one deadline; the body is streamed to disk under
the same size limit and quota as an upload. :func:`download_url` blocks; :func:`fetch_url` runs
it on the downloads' own threads, a few at a time, so that slow downloads never hold the
threads that the other routes need to read the database.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import anyio
import anyio.to_thread
import httpcore
import httpx
from anyio.lowlevel import RunVar

from ...protocol import Code
from .._config import URL_DEADLINE_S
from .._errors import EngineError
from ._store import Store
from ._uploads import FileSink, Received, sanitize_filename, too_large_error

__all__ = [
    "Resolver",
    "Target",
    "address_refusal",
    "embedded_ipv4",
    "read_url",
    "check_url",
    "resolve_host",
    "download_url",
    "fetch_url",
    "download_limiter",
    "DOWNLOAD_WORKERS",
]

Resolver = Callable[[str, int], list[str]]  # (host, port) -> IP addresses
Refusal = Callable[[str], str | None]  # an IP address -> why it may not be fetched from, or None

DOWNLOAD_WORKERS = 4  # URL downloads at once per engine; the others wait without holding a thread
_MAX_REDIRECTS = 5
_URL_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_MAX_HOST_CHARS = 253  # DNS: the longest name; each label at most 63 (the idna codec checks those)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


# -- which addresses ------------------------------------------------------------------------------
def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 one carries: IPv4-mapped, IPv4-compatible (``::a.b.c.d``),
    6to4 (``2002::/16``), NAT64 (``64:ff9b::/96``) and Teredo (its server and its client)."""
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if ip in _NAT64 or (int(ip) >> 32 == 0 and int(ip) > 1):  # the last 32 bits; "::" and "::1" are not IPv4
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [address for address in found if address is not None]


def _kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    for test, kind in ((ip.is_unspecified, "an unspecified"), (ip.is_loopback, "a loopback"),
                       (ip.is_link_local, "a link-local"), (ip.is_multicast, "a multicast"),
                       (ip.is_private, "a private"), (ip.is_reserved, "a reserved")):
        if test:
            return kind
    return None if ip.is_global else "a non-public"  # e.g. 100.64.0.0/10, the carriers' shared space


def address_refusal(address: str) -> str | None:
    """Why an IP address may not be fetched from, or None when it is a public one."""
    ip = ipaddress.ip_address(address.split("%")[0])
    carried = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else []
    for candidate in (*carried, ip):
        if kind := _kind(candidate):
            inside = f" (it carries {candidate})" if candidate is not ip else ""
            return f"{address} is {kind} address{inside}"
    return None


def resolve_host(host: str, port: int) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})


# -- reading and checking a URL -------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A checked URL: the host as the connection names it (IDNA, no brackets), its port, and the
    addresses that were checked, the only ones it may connect to."""

    url: httpx.URL
    host: str
    port: int
    addresses: tuple[str, ...]


def _shown(url: str) -> str:
    return repr(url) if len(url) <= 200 else repr(url[:200]) + "..."


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(urllib.parse.unquote(host)))
    except ValueError:
        return None


def read_url(url: str) -> httpx.URL:
    """``url`` as it will be fetched; ``422`` when it cannot be read as a URL at all."""
    try:
        parsed = httpx.URL(url)
        _ = urllib.parse.urlsplit(url).port  # Python's parser too: an unclosed "[", a port past 65535
        host = parsed.raw_host.decode("ascii")
        if host and _ip_literal(host) is None:
            if len(host.rstrip(".")) > _MAX_HOST_CHARS:
                raise ValueError(f"a host name has at most {_MAX_HOST_CHARS} characters")
            host.encode("idna")  # a label over 63 characters, or an empty one ("a..b")
    except (ValueError, httpx.InvalidURL) as exc:
        raise EngineError(Code.INVALID_REQUEST, f"{_shown(url)} cannot be read as a URL: {exc}") from None
    return parsed


def _addresses(host: str, port: int, resolve: Resolver) -> tuple[str, ...]:
    literal = _ip_literal(host)
    if literal is not None:
        return (literal,)
    try:
        found = tuple(resolve(host, port))
    except (OSError, UnicodeError) as exc:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"cannot resolve {host!r}: {exc}") from None
    if not found:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"cannot resolve {host!r}: no address")
    return found


def check_url(url: str, resolve: Resolver, allow_private: bool, refuse: Refusal = address_refusal) -> Target:
    """Read ``url`` (422), refuse anything but http(s) to public addresses (4001; private ones
    too when allowed), resolving the host once: the :class:`Target` names what may be connected to."""
    parsed = read_url(url)
    if parsed.scheme not in ("http", "https") or not parsed.raw_host:
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"only http and https URLs can be uploaded, got {_shown(url)}")
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = _addresses(host, port, resolve)
    for address in () if allow_private else addresses:
        if reason := refuse(address):
            raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"refusing to fetch {_shown(url)}: {reason}; start the "
                                                          "engine with --allow-private-urls to allow it")
    return Target(parsed, host, port, addresses)


# -- connecting to the checked addresses, within the deadline ---------------------------------------
def _left(deadline: float, timeout: float | None, error: type[Exception]) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the download's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and handshake ends by the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(self._deadline, timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(self._deadline, timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # server_hostname is the URL's host: SNI and the certificate check are for the name.
        tls = self._stream.start_tls(ssl_context, server_hostname, _left(self._deadline, timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls, self._deadline)

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects a (host, port) only to the addresses checked for it, never to a new lookup's."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline
        self._pins: dict[tuple[str, int], tuple[str, ...]] = {}
        self._tcp = httpcore.SyncBackend()

    def pin(self, target: Target) -> None:
        self._pins[(target.host, target.port)] = target.addresses

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        addresses = self._pins.get((host, port))
        if not addresses:
            raise httpcore.ConnectError(f"{host}:{port} was not checked")
        failure: Exception = httpcore.ConnectError(f"cannot connect to {host}:{port}")
        for address in addresses:  # each one was checked; the first that answers
            try:
                stream = self._tcp.connect_tcp(address, port, _left(self._deadline, timeout, httpcore.ConnectTimeout),
                                               local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("URL downloads use TCP only")

    def sleep(self, seconds: float) -> None:
        self._tcp.sleep(seconds)


_CORE_ERRORS = (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, httpcore.ProxyError)


def _as_httpx(exc: Exception) -> httpx.HTTPError:
    if isinstance(exc, httpcore.TimeoutException):
        return httpx.TimeoutException(str(exc) or type(exc).__name__)
    return httpx.TransportError(str(exc) or type(exc).__name__)


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except (httpcore.TimeoutException, *_CORE_ERRORS) as exc:
            raise _as_httpx(exc) from exc

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _PinnedTransport(httpx.BaseTransport):
    """httpx over httpcore's pool with :class:`_PinnedBackend` (httpx takes no network backend)."""

    def __init__(self, backend: _PinnedBackend, ssl_context: ssl.SSLContext) -> None:
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host, port=request.url.port,
                           target=request.url.raw_path)
        core = httpcore.Request(request.method, url, headers=request.headers.raw,
                                content=request.stream, extensions=request.extensions)
        try:
            response = self._pool.handle_request(core)
        except (httpcore.TimeoutException, *_CORE_ERRORS) as exc:
            raise _as_httpx(exc) from exc
        assert isinstance(response.stream, Iterable)  # a sync pool's body
        return httpx.Response(response.status, headers=response.headers, stream=_Body(response.stream),
                              extensions=response.extensions)

    def close(self) -> None:
        self._pool.close()


@functools.lru_cache(maxsize=1)
def _default_tls() -> ssl.SSLContext:
    return httpx.create_ssl_context(trust_env=False)


# -- the download -----------------------------------------------------------------------------------
def _url_name(url: httpx.URL) -> str:
    path = urllib.parse.unquote(url.path)
    return sanitize_filename(path.rsplit("/", 1)[-1], fallback="download")


def download_url(url: str, store: Store, limit: int, allow_private: bool, *, resolve: Resolver = resolve_host,
                 refuse: Refusal = address_refusal, deadline_s: float = URL_DEADLINE_S,
                 tls: ssl.SSLContext | None = None) -> Received:
    """Fetch ``url`` into a temporary file (blocking: see :func:`fetch_url`). ``resolve``,
    ``refuse`` and ``tls`` (the certificates trusted) are the system's unless given."""
    deadline = time.monotonic() + deadline_s
    try:
        return _download(url, store, limit, allow_private, resolve, refuse, deadline, tls or _default_tls())
    except httpx.HTTPError as exc:
        if time.monotonic() + 0.1 >= deadline:
            raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"could not fetch {_shown(url)} within the {deadline_s:g} s "
                                                          "a URL download may take") from None
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"could not fetch {_shown(url)}: {exc or type(exc).__name__}") from None


def _download(url: str, store: Store, limit: int, allow_private: bool, resolve: Resolver, refuse: Refusal,
              deadline: float, tls: ssl.SSLContext) -> Received:
    backend = _PinnedBackend(deadline)
    transport = _PinnedTransport(backend, tls)
    with httpx.Client(transport=transport, timeout=_URL_TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for _ in range(_MAX_REDIRECTS + 1):
            target = check_url(url, resolve, allow_private, refuse)
            backend.pin(target)
            with client.stream("GET", target.url) as response:
                if response.is_redirect:
                    url = _redirect(response)
                    continue  # each hop is read, checked and pinned again: a public URL may redirect to a private one
                if response.status_code != 200:
                    raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"could not fetch {_shown(url)}: HTTP {response.status_code}")
                return _save_response(response, _url_name(target.url), store, limit)
    raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"too many redirects fetching {_shown(url)}")


def _redirect(response: httpx.Response) -> str:
    """The next hop; a Location that cannot be read is the server's fault (4001), not the caller's."""
    location = response.headers.get("location", "")
    try:
        following = str(response.url.join(location))
        read_url(following)
    except (ValueError, httpx.InvalidURL, EngineError) as exc:
        reason = exc.message if isinstance(exc, EngineError) else str(exc)
        raise EngineError(Code.UNSUPPORTED_FILE_TYPE, f"{response.url} redirects to {_shown(location)}: {reason}") from None
    return following


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


# -- off the event loop ---------------------------------------------------------------------------
_LIMITER: RunVar[anyio.CapacityLimiter] = RunVar("musicmaker_url_downloads")


def download_limiter() -> anyio.CapacityLimiter:
    """This event loop's share of worker threads for URL downloads: :data:`DOWNLOAD_WORKERS` at once."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = anyio.CapacityLimiter(DOWNLOAD_WORKERS)
        _LIMITER.set(limiter)
        return limiter


async def fetch_url(url: str, store: Store, limit: int, allow_private: bool, *,
                    deadline_s: float = URL_DEADLINE_S) -> Received:
    """:func:`download_url` in a worker thread of the downloads' own limiter, not the default one
    that every other ``to_thread`` call (the database reads) shares."""
    run = functools.partial(download_url, url, store, limit, allow_private, deadline_s=deadline_s)
    return await anyio.to_thread.run_sync(run, limiter=download_limiter())
