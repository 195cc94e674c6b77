"""Loaded by every Python process of a guarded workflow run (PYTHONPATH): refuse and record any
socket connection to a non-loopback address, so a test can prove a run stayed offline."""

import os
import socket

_LOG = os.environ.get("DUALDX_NETGUARD_LOG")
_orig_connect = socket.socket.connect
_orig_connect_ex = socket.socket.connect_ex


def _loopback(address: object) -> bool:
    if isinstance(address, tuple) and address:
        host = str(address[0])
        return host.startswith("127.") or host in ("::1", "localhost")
    return True  # AF_UNIX paths and the like stay on this machine


def _record(address: object) -> None:
    if _LOG:
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {address!r}\n")


def _connect(self: socket.socket, address: object) -> None:
    if not _loopback(address):
        _record(address)
        raise OSError(f"network access refused by the test guard: {address!r}")
    _orig_connect(self, address)  # type: ignore[arg-type]


def _connect_ex(self: socket.socket, address: object) -> int:
    if not _loopback(address):
        _record(address)
        return 111
    return _orig_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
