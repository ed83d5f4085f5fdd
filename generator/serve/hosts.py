"""Which Host and Origin headers the preview server answers (DNS-rebinding defence).

A page of another site can make the browser resolve its own domain name to 127.0.0.1
and read our answers; its requests then carry that domain in Host. We answer only
loopback names and the name we were bound to, always with our port. When the user binds
every interface (`--host 0.0.0.0`), IP literals are accepted too: a request by IP address
cannot come from a rebound domain name.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


@dataclass(frozen=True, slots=True)
class HostPolicy:
    """The Host values a server accepts."""

    names: frozenset[str]
    """Lower-case host names and IP literals (IPv6 in brackets), without port."""
    port: int
    any_ip: bool = False
    """Accept any IP literal as well (the server listens on every interface)."""

    @classmethod
    def for_binding(cls, host: str, port: int) -> HostPolicy:
        """The policy of a server bound to `host`:`port`."""
        names = set(LOOPBACK_NAMES)
        if host in WILDCARDS:
            names.update({socket.gethostname().lower(), socket.getfqdn().lower()})
        else:
            names.add(_bracketed(host.lower()))
        return cls(frozenset(names), port, any_ip=host in WILDCARDS)

    def allows(self, host_header: str) -> bool:
        """True for a Host header naming this server, with its port."""
        name, _, port = _split_host(host_header.strip().lower())
        if port != str(self.port) and not (port == "" and self.port == 80):
            return False
        return name in self.names or (self.any_ip and _is_ip_literal(name))

    def allows_origin(self, origin: str) -> bool:
        """True for an Origin header of a page served by this server."""
        parts = urlsplit(origin.strip())
        bare = not (parts.path or parts.query or parts.fragment or "@" in parts.netloc)
        return parts.scheme == "http" and bare and self.allows(parts.netloc)


def is_loopback(host: str) -> bool:
    """True when binding `host` keeps the server reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _split_host(value: str) -> tuple[str, str, str]:
    """(name, ':', port) of a Host value; IPv6 literals keep their brackets."""
    if value.startswith("["):
        name, bracket, rest = value.partition("]")
        return name + bracket, rest[:1], rest[1:]
    return value.partition(":") if value.count(":") <= 1 else (value, "", "")


def _is_ip_literal(name: str) -> bool:
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") else name)
    except ValueError:
        return False
    return True
