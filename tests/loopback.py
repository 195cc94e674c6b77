"""Test helpers for network code: a loopback HTTP server and a guard against outside connections.

``LoopbackServer`` serves files from a folder (and in-memory files) on 127.0.0.1 at a random port,
in a thread, with HTTP Range support, a request log, and faults injected per path:

    with LoopbackServer(root) as srv:
        srv.fail(path, "500")        # next GET of path answers 500
        srv.fail(path, "timeout")    # next GET waits ``srv.stall`` seconds before answering
        srv.fail(path, "truncate")   # next GET promises the full length, sends half, closes
        url = srv.url(path)

``srv.post_handler`` may be set to ``f(path, body_bytes) -> (status, headers, body_bytes)``.

``forbid_outside_network(monkeypatch)`` makes every socket connection to an address outside
127.0.0.0/8 / ::1 (and every DNS look-up of a name other than localhost) fail the test: a run
that claims to be offline can prove it.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

PostHandler = Callable[[str, bytes], tuple[int, dict[str, str], bytes]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        return

    def _body_for(self, path: str) -> bytes | None:
        owner = self.server.owner
        if path in owner.files:
            return owner.files[path]
        if owner.root is None:
            return None
        full = (owner.root / path.lstrip("/")).resolve()
        if owner.root.resolve() not in full.parents or not full.is_file():
            return None
        return full.read_bytes()

    def do_HEAD(self) -> None:
        self._get(head=True)

    def do_GET(self) -> None:
        self._get(head=False)

    def _get(self, head: bool) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        rng = self.headers.get("Range")
        owner.requests.append(("HEAD" if head else "GET", path, rng))
        fault = owner.take_fault(path)
        if fault == "500":
            self._send(500, b"injected server error", {})
            return
        if fault == "timeout":
            time.sleep(owner.stall)
        body = self._body_for(path)
        if body is None:
            self._send(404, b"not found", {})
            return
        status, headers = 200, {"Accept-Ranges": "bytes"}
        if rng and rng.startswith("bytes="):
            start_s, _, end_s = rng[6:].partition("-")
            start = int(start_s) if start_s else max(0, len(body) - int(end_s))
            end = int(end_s) if (end_s and start_s) else len(body) - 1
            if start >= len(body):
                self._send(416, b"", {"Content-Range": f"bytes */{len(body)}"})
                return
            end = min(end, len(body) - 1)
            headers["Content-Range"] = f"bytes {start}-{end}/{len(body)}"
            body, status = body[start:end + 1], 206
        if fault == "truncate":
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self._send(status, b"" if head else body, headers, length=len(body))

    def do_POST(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        owner.requests.append(("POST", path, None))
        owner.posts.append((path, data))
        fault = owner.take_fault(path)
        if fault == "500":
            self._send(500, b"injected server error", {})
            return
        if fault == "429":
            self._send(429, b'{"error":"rate limited"}', {"Retry-After": "0.01"})
            return
        if owner.post_handler is None:
            self._send(405, b"no POST handler", {})
            return
        status, headers, body = owner.post_handler(path, data)
        self._send(status, body, headers)

    def _send(self, status: int, body: bytes, headers: dict[str, str],
              length: int | None = None) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that gave up (injected time-out) is expected: keep test output quiet
    owner: LoopbackServer


class LoopbackServer:
    def __init__(self, root: Path | None = None, stall: float = 1.0) -> None:
        self.root = root
        self.stall = stall
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list[str]] = {}
        self.requests: list[tuple[str, str, str | None]] = []
        self.posts: list[tuple[str, bytes]] = []
        self.post_handler: PostHandler | None = None
        self._lock = threading.Lock()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def add_file(self, path: str, data: bytes) -> None:
        self.files["/" + path.lstrip("/")] = data

    def fail(self, path: str, *kinds: str) -> None:
        with self._lock:
            self.faults.setdefault("/" + path.lstrip("/"), []).extend(kinds)

    def take_fault(self, path: str) -> str | None:
        with self._lock:
            queue = self.faults.get(path)
            return queue.pop(0) if queue else None

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost",)


def forbid_outside_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fail on any connection outside loopback; return the list of refused attempts."""
    refused: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address: Any) -> None:
        if isinstance(address, tuple) and address and isinstance(address[0], str):
            host = address[0]
            if not _is_loopback(host):
                refused.append(host)
                pytest.fail(f"test opened a network connection to {address!r} (only loopback "
                            "is allowed)")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str | bytes):
            name = host.decode() if isinstance(host, bytes) else host
            if not _is_loopback(name):
                refused.append(name)
                pytest.fail(f"test looked up the host name {name!r} (only loopback is allowed)")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return refused
