"""Bad URLs: unreadable ones (422), refused ones (4001) in every spelling of a private address,
redirects to private addresses, DNS answers that change between the check and the connection,
downloads that never end, and slow downloads beside the routes that read the database.

Nothing here is sent anywhere but this machine: refused addresses are refused before any
connection, numeric host names resolve without DNS, and the other names are resolved by an
injected resolver that answers with loopback addresses where the test's own servers listen.
"""

from __future__ import annotations

import contextlib
import http.server
import pathlib
import socket
import ssl
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterator

import httpx
import pytest

from musicmaker_nb.engine._errors import EngineError
from musicmaker_nb.engine.store._downloads import address_refusal, check_url, download_url, embedded_ipv4, read_url
from musicmaker_nb.engine.store._store import Store
from musicmaker_nb.protocol import Code

from .conftest import ExpectCode, Witness

UNREADABLE = [
    pytest.param("http://" + "a" * 64 + ".example/a.mp4", id="label-over-63"),
    pytest.param("http://" + ("a" * 60 + ".") * 5 + "example/a.mp4", id="host-over-253"),
    pytest.param("http://a..example/a.mp4", id="empty-label"),
    pytest.param("http://example.com:65536/a.mp4", id="port-over-65535"),
    pytest.param("http://example.com:99999999999/a.mp4", id="port-huge"),
    pytest.param("http://example.com:80:80/a.mp4", id="two-ports"),
    pytest.param("http://example.com:-1/a.mp4", id="port-negative"),
    pytest.param("http://[::1/a.mp4", id="unclosed-bracket"),
    pytest.param("http://[zz::1]/a.mp4", id="bad-ipv6"),
    pytest.param("http://exa\u200bmple.com/a.mp4", id="bad-idna"),
    pytest.param("http://example.com/a\x00.mp4", id="nul"),
    pytest.param("http://0177.0.0.1/a.mp4", id="octal-quad"),  # httpx will not guess what leading zeros mean
    pytest.param("http://x/" + "a" * 70_000, id="too-long"),
]

NOT_HTTP = ["file:///etc/passwd", "ftp://127.0.0.1/a.mp4", "data:video/mp4;base64,AAAA", "gopher://127.0.0.1:70/_x",
            "javascript:alert(1)", "http://", "http:///a.mp4"]

PRIVATE = [
    ("127.0.0.1", "loopback"), ("2130706433", "loopback"), ("0x7f000001", "loopback"), ("0177.1", "loopback"),
    ("0x7f.1", "loopback"), ("127.1", "loopback"), ("localhost", "loopback"), ("10.1.2.3", "private"),
    ("192.168.0.7", "private"), ("169.254.169.254", "link-local"), ("224.0.0.1", "multicast"),
    ("0.0.0.0", "unspecified"), ("100.64.0.1", "non-public"), ("[::1]", "loopback"), ("[::]", "unspecified"),
    ("[fe80::1]", "link-local"), ("[fc00::1]", "private"), ("[ff02::1]", "multicast"),
    ("[::ffff:127.0.0.1]", "127.0.0.1"), ("[::ffff:7f00:1]", "127.0.0.1"), ("[::ffff:10.0.0.1]", "10.0.0.1"),
    ("[2002:7f00:1::]", "127.0.0.1"), ("[2002:a00:1::1]", "10.0.0.1"),  # 6to4
    ("[64:ff9b::7f00:1]", "127.0.0.1"), ("[64:ff9b::a00:1]", "10.0.0.1"),  # NAT64
    ("[2001:0:4136:e378:8000:63bf:80ff:fffe]", "127.0.0.1"),  # Teredo, its client 127.0.0.1 (inverted)
    ("[::127.0.0.1]", "127.0.0.1"), ("[::a00:1]", "10.0.0.1"),  # IPv4-compatible
]


def url_upload(caller: Any, *urls: str) -> httpx.Response:
    return caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}",
                            json={"urls": list(urls), "source_type": "url"})


# -- through the engine ------------------------------------------------------------------------------
@pytest.mark.parametrize("url", UNREADABLE)
def test_a_url_that_cannot_be_read_is_422(attacker: Any, expect: ExpectCode, url: str) -> None:
    message = expect(url_upload(attacker, url), 422, 422)
    assert "cannot be read as a URL" in message


@pytest.mark.parametrize("url", NOT_HTTP)
def test_only_http_and_https(attacker: Any, expect: ExpectCode, url: str) -> None:
    assert "only http and https" in expect(url_upload(attacker, url), 415, 4001)


@pytest.mark.parametrize(("host", "kind"), PRIVATE, ids=[host for host, _ in PRIVATE])
def test_private_addresses_in_every_spelling_are_refused(attacker: Any, expect: ExpectCode, host: str, kind: str) -> None:
    message = expect(url_upload(attacker, f"http://{host}:9/a.mp4"), 415, 4001)
    assert "refusing" in message and kind in message


def test_one_bad_url_among_good_ones_keeps_nothing(attacker: Any, expect: ExpectCode, attacked: Witness) -> None:
    expect(url_upload(attacker, "http://[::1/a.mp4", "http://127.0.0.1:9/b.mp4"), 422, 422)
    assert attacker.state()["video_infos"] == []


# -- the pure checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "inner"), [
    ("::ffff:127.0.0.1", "127.0.0.1"), ("2002:7f00:1::", "127.0.0.1"), ("64:ff9b::a00:1", "10.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "127.0.0.1"), ("::127.0.0.1", "127.0.0.1"),
])
def test_ipv6_forms_are_unwrapped(address: str, inner: str) -> None:
    import ipaddress

    assert inner in {str(ip) for ip in embedded_ipv4(ipaddress.IPv6Address(address))}
    assert f"carries {inner}" in (address_refusal(address) or "")


def test_public_addresses_pass() -> None:
    for address in ("8.8.8.8", "2606:4700::1111", "2002:808:808::1"):  # 6to4 of a public one
        assert address_refusal(address) is None, address
    assert read_url("https://ü.example/a.mp4").raw_host == b"xn--tda.example"


def test_every_address_a_name_has_is_checked() -> None:
    with pytest.raises(EngineError, match="10.0.0.1") as refused:
        check_url("https://media.test/a.mp4", lambda host, port: ["93.184.216.34", "10.0.0.1"], allow_private=False)
    assert refused.value.code == Code.UNSUPPORTED_FILE_TYPE


def test_a_name_that_does_not_resolve_is_4001() -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(EngineError, match="cannot resolve") as failed:
        check_url("https://media.test/a.mp4", nowhere, allow_private=False)
    assert failed.value.code == Code.UNSUPPORTED_FILE_TYPE


# -- local servers ---------------------------------------------------------------------------------------
class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, routes: dict[str, Callable[[Any], None]]) -> None:
        self.routes = routes
        self.seen: list[tuple[str, str]] = []  # (path, Host header)
        super().__init__((host, port), _Handler)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.server.seen.append((self.path, self.headers.get("Host", "")))
        self.server.routes.get(self.path, _missing)(self)

    def log_message(self, *args: Any) -> None:
        pass


def _missing(handler: _Handler) -> None:
    handler.send_error(404)


def _body(data: bytes) -> Callable[[_Handler], None]:
    def answer(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    return answer


def _redirect(location: str) -> Callable[[_Handler], None]:
    def answer(handler: _Handler) -> None:
        handler.send_response(302)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return answer


@contextlib.contextmanager
def serving(routes: dict[str, Callable[[Any], None]], host: str = "127.0.0.1", port: int = 0,
            tls: ssl.SSLContext | None = None) -> Iterator[_Server]:
    server = _Server(host, port, routes)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def twin_servers(good: dict[str, Callable[[Any], None]], evil: dict[str, Callable[[Any], None]]) -> Iterator[tuple[_Server, _Server]]:
    """The same port on 127.0.0.1 (the address the check saw) and on 127.0.0.2 (a rebinding's)."""
    for _ in range(20):
        with serving(good) as first:
            try:
                second_cm = serving(evil, "127.0.0.2", first.server_address[1])
                second = second_cm.__enter__()
            except OSError:
                continue
            try:
                yield first, second
            finally:
                second_cm.__exit__(None, None, None)
            return
    pytest.skip("no port free on both 127.0.0.1 and 127.0.0.2")


def only_first_is_public(address: str) -> str | None:
    """The address policy of these tests: 127.0.0.1 stands for the public internet, the rest is as always."""
    return None if address == "127.0.0.1" else address_refusal(address)


class Resolver:
    """Answers ``answers[i]`` to the i-th question (the last one after that), and counts them."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers, self.asked = answers, []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers[min(len(self.asked), len(self.answers)) - 1]


@pytest.fixture
def store(tmp_path: pathlib.Path) -> Iterator[Store]:
    opened = Store(tmp_path / "home")
    yield opened
    opened.close()


def fetch(store: Store, url: str, **options: Any) -> bytes:
    received = download_url(url, store, 1 << 20, options.pop("allow_private", False), **options)
    try:
        return received.temp.read_bytes()
    finally:
        received.temp.unlink(missing_ok=True)


# -- the address checked is the address connected to -------------------------------------------------------
def test_a_second_dns_answer_does_not_move_the_connection(store: Store) -> None:
    rebinding = Resolver(["127.0.0.1"], ["127.0.0.2"])
    with twin_servers({"/a.mp4": _body(b"checked")}, {"/a.mp4": _body(b"rebound")}) as (good, evil):
        port = good.server_address[1]
        data = fetch(store, f"http://media.test:{port}/a.mp4", resolve=rebinding, refuse=only_first_is_public)
    assert data == b"checked" and evil.seen == []
    assert rebinding.asked == ["media.test"]  # one lookup, and the connection went where it said
    assert good.seen == [("/a.mp4", f"media.test:{port}")]  # the Host header keeps the name


def test_each_redirect_hop_is_resolved_once_and_pinned(store: Store) -> None:
    resolver = Resolver(["127.0.0.1"])
    with twin_servers({}, {}) as (good, evil):
        port = good.server_address[1]
        good.routes.update({"/a": _redirect(f"http://cdn.test:{port}/b"), "/b": _body(b"hop two")})
        assert fetch(store, f"http://media.test:{port}/a", resolve=resolver, refuse=only_first_is_public) == b"hop two"
    assert resolver.asked == ["media.test", "cdn.test"] and evil.seen == []


@pytest.mark.parametrize("target", ["http://127.0.0.2:{port}/secret", "http://169.254.169.254/latest/meta-data",
                                    "http://[::ffff:127.0.0.2]:{port}/secret", "http://[2002:7f00:2::]:{port}/secret",
                                    "http://2130706434:{port}/secret"])
def test_a_redirect_to_a_private_address_is_refused(store: Store, target: str) -> None:
    with twin_servers({}, {"/secret": _body(b"secret")}) as (public, private):
        port = public.server_address[1]
        public.routes["/a.mp4"] = _redirect(target.format(port=port))
        with pytest.raises(EngineError, match="refusing") as refused:
            fetch(store, f"http://127.0.0.1:{port}/a.mp4", refuse=only_first_is_public)
    assert refused.value.code == Code.UNSUPPORTED_FILE_TYPE and private.seen == []


@pytest.mark.parametrize("location", ["http://[::1/b.mp4", "http://127.0.0.1:65536/b.mp4", "http://" + "a" * 64 + ".test/"])
def test_an_unreadable_redirect_is_the_servers_fault(store: Store, location: str) -> None:
    with serving({"/a.mp4": _redirect(location)}) as server:
        with pytest.raises(EngineError, match="redirects to|location") as failed:
            fetch(store, f"http://127.0.0.1:{server.server_address[1]}/a.mp4", allow_private=True)
    assert failed.value.code == Code.UNSUPPORTED_FILE_TYPE  # 4001, not the caller's 422


def _certificate(tmp_path: pathlib.Path, name: str) -> tuple[pathlib.Path, pathlib.Path]:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                        "-days", "1", "-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"],
                       check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"no openssl to make a certificate: {exc}")
    return key, cert


def test_tls_checks_the_name_not_the_pinned_address(store: Store, tmp_path: pathlib.Path) -> None:
    key, cert = _certificate(tmp_path, "media.test")
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    names: list[str | None] = []
    server_tls.sni_callback = lambda sock, name, context: names.append(name)
    trusted = ssl.create_default_context(cafile=str(cert))
    with serving({"/a.mp4": _body(b"over tls")}, tls=server_tls) as server:
        port = server.server_address[1]
        options: dict[str, Any] = {"resolve": Resolver(["127.0.0.1"]), "refuse": only_first_is_public, "tls": trusted}
        assert fetch(store, f"https://media.test:{port}/a.mp4", **options) == b"over tls"
        with pytest.raises(EngineError, match="could not fetch") as wrong_name:
            fetch(store, f"https://other.test:{port}/a.mp4", **options)
    assert names[0] == "media.test" and wrong_name.value.code == Code.UNSUPPORTED_FILE_TYPE


# -- time ------------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def raw_server(serve: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 that hands each connection to ``serve``; closes them all at the end."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop, connections = threading.Event(), []

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            connections.append(connection)
            threading.Thread(target=_quietly, args=(serve, connection, stop), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()


def _quietly(serve: Callable[..., None], connection: socket.socket, stop: threading.Event) -> None:
    with contextlib.suppress(OSError):
        serve(connection, stop)


def _trickle(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(65536)
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
    while not stop.wait(0.05):
        connection.sendall(b"x")  # every read returns at once: only an overall deadline ends this


def _stall(connection: socket.socket, stop: threading.Event) -> None:
    connection.recv(65536)
    stop.wait(120)


@pytest.mark.parametrize("serve", [_trickle, _stall], ids=["trickle", "stall"])
def test_a_download_has_one_deadline(store: Store, serve: Callable[..., None]) -> None:
    with raw_server(serve) as port:
        started = time.monotonic()
        with pytest.raises(EngineError, match="within the 1.5 s") as late:
            fetch(store, f"http://127.0.0.1:{port}/a.mp4", allow_private=True, deadline_s=1.5)
        took = time.monotonic() - started
    assert late.value.code == Code.UNSUPPORTED_FILE_TYPE and 1.4 < took < 5
    assert list(store.home.glob("tmp/*")) == []  # the part that came is not kept


def test_the_engines_url_deadline_is_a_setting(start_engine: Callable[..., Any], new_caller: Callable[..., Any],
                                               expect: ExpectCode) -> None:
    caller = new_caller(start_engine(allow_private_urls=True, url_deadline_s=1.0))
    with raw_server(_trickle) as port:
        started = time.monotonic()
        answer = caller.http.post(f"/api/upload-video/nemo_agent/me/{caller.session_id}",
                                  json={"urls": [f"http://127.0.0.1:{port}/a.mp4"], "source_type": "url"})
        took = time.monotonic() - started
    assert "1 s" in expect(answer, 415, 4001) and took < 5


def test_slow_downloads_leave_the_database_routes_alone(start_engine: Callable[..., Any], new_caller: Callable[..., Any],
                                                        expect: ExpectCode) -> None:
    """45 downloads from a server that never answers: more than anyio's 40 default worker threads.
    On their own bounded pool they leave threads for the routes that read the database."""
    caller = new_caller(start_engine(allow_private_urls=True))
    with ThreadPoolExecutor(45) as pool, raw_server(_stall) as port:
        uploads = [pool.submit(url_upload, caller, f"http://127.0.0.1:{port}/{i}.mp4") for i in range(45)]
        time.sleep(1.5)  # all of them in the engine, 4 downloading and the rest waiting for a turn
        started = time.monotonic()
        with httpx.Client(base_url=caller.http.base_url, headers=caller.http.headers, timeout=20) as other:
            state = other.get(f"/api/state/nemo_agent/me/{caller.session_id}/latest")
            balance = other.get("/api/credits/balance/simple")
        took = time.monotonic() - started
    # leaving the block stopped the server: every download failed (4001) and nothing was kept
    assert state.status_code == 200 and balance.status_code == 200 and took < 5, took
    for upload in uploads:
        expect(upload.result(), 415, 4001)
    assert caller.state()["video_infos"] == []
