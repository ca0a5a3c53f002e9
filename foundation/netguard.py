"""`no_network()`: refuse (and record) every attempt to reach another machine from this process.

Why: Sillok promises that patient and client files never leave the computer. The tests prove it by
running ingest, search and ask inside this guard and asserting that nothing even tried. The guard
patches the Python socket layer (`socket.socket.connect`/`connect_ex`/`sendto`,
`socket.create_connection`, `socket.getaddrinfo`); loopback (127.0.0.0/8, ::1, "localhost") and
local-only families (AF_UNIX, AF_NETLINK) are allowed. It cannot see native code that opens sockets
without Python (C libraries, Rust extensions): the CLI test under `unshare -n` covers that side.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_LOCAL_FAMILIES = {getattr(socket, n) for n in ("AF_UNIX", "AF_NETLINK") if hasattr(socket, n)}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


@dataclass(frozen=True)
class Attempt:
    """One refused attempt: which call, to where (as the caller gave it)."""

    call: str
    address: str


@dataclass
class NetGuard:
    """What `no_network()` yields: the attempts it refused, in order."""

    attempts: list[Attempt] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, call: str, address: Any) -> None:
        with self._lock:
            self.attempts.append(Attempt(call, repr(address)))


def is_loopback_host(host: Any) -> bool:
    """True for None/""/"localhost" and IP literals in 127.0.0.0/8 or ::1 (IPv4-mapped included)."""
    if host is None or host == "" or host == b"":
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip().lower().strip("[]")
    if host in _LOOPBACK_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _address_is_local(family: int, address: Any) -> bool:
    if family in _LOCAL_FAMILIES:
        return True
    if isinstance(address, (str, bytes)):  # an AF_UNIX path given to a socket of another family
        return family == getattr(socket, "AF_UNIX", -1)
    if isinstance(address, tuple) and address:
        return is_loopback_host(address[0])
    return False


_ACTIVE: list[NetGuard] = []
_ACTIVE_LOCK = threading.Lock()


@contextmanager
def no_network() -> Iterator[NetGuard]:
    """Within the block, non-loopback socket use raises OSError and is recorded in `guard.attempts`.

    Nested guards share one patch; each records every attempt made while it is active.
    """
    guard = NetGuard()
    with _ACTIVE_LOCK:
        first = not _ACTIVE
        _ACTIVE.append(guard)
        if first:
            _install()
    try:
        yield guard
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.remove(guard)
            if not _ACTIVE:
                _uninstall()


def _refuse(call: str, address: Any) -> OSError:
    with _ACTIVE_LOCK:
        guards = list(_ACTIVE)
    for g in guards:
        g.record(call, address)
    message = f"network access blocked by Sillok's no_network guard ({call} {address!r})"
    if call == "getaddrinfo":
        return socket.gaierror(socket.EAI_NONAME, message)
    return ConnectionRefusedError(message)


_ORIGINAL: dict[str, Any] = {}
_OWN: set[str] = set()  # socket.socket methods defined on the class itself before patching
_METHODS = ("connect", "connect_ex", "sendto")


def _install() -> None:
    sock_cls = socket.socket
    _OWN.clear()
    _OWN.update(m for m in _METHODS if m in vars(sock_cls))
    _ORIGINAL.update(connect=sock_cls.connect, connect_ex=sock_cls.connect_ex, sendto=sock_cls.sendto,
                     create_connection=socket.create_connection, getaddrinfo=socket.getaddrinfo)
    orig = dict(_ORIGINAL)

    def connect(self: socket.socket, address: Any) -> None:
        if not _address_is_local(self.family, address):
            raise _refuse("connect", address)
        return orig["connect"](self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _address_is_local(self.family, address):
            raise _refuse("connect_ex", address)
        return int(orig["connect_ex"](self, address))

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1] if args else None
        if not _address_is_local(self.family, address):
            raise _refuse("sendto", address)
        return int(orig["sendto"](self, data, *args))

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        if not (isinstance(address, tuple) and address and is_loopback_host(address[0])):
            raise _refuse("create_connection", address)
        return orig["create_connection"](address, *args, **kwargs)  # type: ignore[no-any-return]

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback_host(host):
            raise _refuse("getaddrinfo", host)
        return orig["getaddrinfo"](host, *args, **kwargs)

    sock_cls.connect = connect  # type: ignore[method-assign]
    sock_cls.connect_ex = connect_ex  # type: ignore[method-assign]
    sock_cls.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.create_connection = create_connection  # type: ignore[assignment]
    socket.getaddrinfo = getaddrinfo


def _uninstall() -> None:
    if not _ORIGINAL:
        return
    sock_cls = socket.socket
    for name in _METHODS:  # put back exactly what was there (inherited methods: delete the patch)
        if name in _OWN:
            setattr(sock_cls, name, _ORIGINAL[name])
        else:
            delattr(sock_cls, name)
    socket.create_connection = _ORIGINAL["create_connection"]
    socket.getaddrinfo = _ORIGINAL["getaddrinfo"]
    _ORIGINAL.clear()
