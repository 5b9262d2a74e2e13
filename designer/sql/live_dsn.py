"""Checking a DSN a user typed before the server connects to it (import from a live database,
compare with a live database).

The server connects from inside the operator's network with the server's own files at hand,
so a DSN is checked, not trusted:

* one host, reached by TCP: no Unix socket (an empty host, a path, ``@abstract``), no host
  list, no ``hostaddr`` of the user's;
* only the parameters a read needs (``ALLOWED_PARAMETERS``); ``options``, ``passfile``,
  ``service``, ``sslkey``/``sslcert``/``sslcrl``/``sslkeylogfile`` (files on the server),
  ``requirepeer``, Kerberos/GSS and OAuth settings are refused by name;
* ``connect_timeout`` is at most ``MAX_CONNECT_TIMEOUT_S`` (0 or missing means that);
* the host is resolved once and every address it resolves to must pass the policy; the
  connection is then pinned to the checked address (``hostaddr``), so DNS cannot answer
  differently between the check and the connection;
* libpq defaults that would lend the server's credentials are switched off: no password file,
  no client certificate, no GSSAPI.

The policy (``LivePolicy``): an address matching ``allow`` passes; one matching ``deny`` is
refused (``*`` refuses everything not allowed); anything else passes. ``reserved`` hosts
(the rehearsal server, the app's own database) are refused whatever ``allow`` says. Entries
are a host name, an IP address or network (CIDR), each optionally with ``:port``
(``[v6]:port``), or for ``allow`` only, an absolute socket directory an operator opens on
purpose.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field

import psycopg
from psycopg import conninfo

MAX_CONNECT_TIMEOUT_S = 10
DEFAULT_PORT = 5432
ALLOWED_PARAMETERS = frozenset(
    {
        "host",
        "port",
        "dbname",
        "user",
        "password",
        "connect_timeout",
        "sslmode",
        "sslrootcert",  # only "system": the OS's certificate store
        "sslnegotiation",
        "channel_binding",
        "application_name",
        "target_session_attrs",
    }
)
# Loopback, "this host", link-local (cloud metadata endpoints live at 169.254.169.254).
DEFAULT_DENY = (
    "localhost",
    "127.0.0.0/8",
    "::1/128",
    "0.0.0.0/8",
    "::/128",
    "169.254.0.0/16",
    "fe80::/10",
)
# What the server sets itself: no password file, client certificate or Kerberos ticket of its own.
_FORCED = {
    "passfile": "/nonexistent/erd-designer/no-passfile",
    "sslcertmode": "disable",
    "gssencmode": "disable",
}

ERR_SYNTAX = (
    "This is not a PostgreSQL connection string: write postgresql://user:password@host:5432/dbname"
    " or host=… port=… dbname=… user=…"
)
ERR_PARAMETER = (
    "The connection parameter “{name}” is not allowed here; use host, port, dbname, user,"
    " password and sslmode."
)
ERR_SOCKET = "Give a host name or an IP address: local sockets are not allowed here."
ERR_HOST_LIST = "Give one host, not a list."
ERR_PORT = "The port must be one number from 1 to 65535."
ERR_TIMEOUT = "connect_timeout must be a whole number of seconds."
ERR_ROOTCERT = "sslrootcert may only be “system” here (the server's certificate store)."
ERR_REFUSED = (
    "This server may not connect to {host}:{port} (ERD_LIVE_DSN_ALLOW / ERD_LIVE_DSN_DENY)."
)
ERR_UNREACHABLE = (
    "Could not connect to {target}: the host is unknown or did not answer, refused the"
    " connection, or refused these credentials."
)


class LiveDsnError(ValueError):
    """The DSN is refused; ``str()`` says why, without the password."""


@dataclass(frozen=True)
class LivePolicy:
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = DEFAULT_DENY
    reserved: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Entry:
    host: str | None = None  # a host name, lower case
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    port: int | None = None
    socket_dir: str | None = None
    everything: bool = False

    def matches(self, host: str, address: str, port: int) -> bool:
        if self.everything:
            return True
        if self.port is not None and self.port != port:
            return False
        if self.host is not None:
            return self.host == host.lower()
        return self.network is not None and _ip(address) in self.network


def _ip(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def parse_entries(entries: Iterable[str]) -> list[_Entry]:
    """Policy entries from setting text; a malformed one raises ValueError (at start-up)."""
    out: list[_Entry] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        if entry == "*":
            out.append(_Entry(everything=True))
            continue
        if entry.startswith("/"):
            out.append(_Entry(socket_dir=entry.rstrip("/") or "/"))
            continue
        host, port = entry, None
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else None
        elif entry.count(":") == 1:
            host, _, port_text = entry.partition(":")
            port = int(port_text)
        try:
            out.append(_Entry(network=ipaddress.ip_network(host, strict=False), port=port))
        except ValueError:
            out.append(_Entry(host=host.lower(), port=port))
    return out


def _params(dsn: str) -> dict[str, str]:
    try:
        params = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        raise LiveDsnError(ERR_SYNTAX) from None
    return {k: str(v) for k, v in params.items() if v is not None}


def _port(text: str | None) -> int:
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise LiveDsnError(ERR_PORT)
    return int(text)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def check_live_dsn(dsn: str, policy: LivePolicy) -> str:
    """The DSN to connect with, pinned to a checked address; LiveDsnError when refused."""
    params = _params(dsn)
    for name in sorted(params):
        if name not in ALLOWED_PARAMETERS:
            raise LiveDsnError(ERR_PARAMETER.format(name=name))
    if params.get("sslrootcert", "system") != "system":
        raise LiveDsnError(ERR_ROOTCERT)
    host = params.get("host", "").strip()
    if "," in host or "," in params.get("port", ""):
        raise LiveDsnError(ERR_HOST_LIST)
    port = _port(params.get("port"))
    timeout = params.get("connect_timeout", "")
    if timeout and not timeout.strip().lstrip("-").isdigit():
        raise LiveDsnError(ERR_TIMEOUT)
    seconds = int(timeout) if timeout else 0
    params["connect_timeout"] = str(
        MAX_CONNECT_TIMEOUT_S if seconds <= 0 else min(seconds, MAX_CONNECT_TIMEOUT_S)
    )
    allow, deny = parse_entries(policy.allow), parse_entries(policy.deny)
    if not host or host.startswith(("/", "@")):
        if host.startswith("/") and any(e.socket_dir == host.rstrip("/") for e in allow):
            return conninfo.make_conninfo("", **{**params, **_FORCED})
        raise LiveDsnError(ERR_SOCKET)
    addresses = _resolve(host, port)
    if not addresses:
        raise LiveDsnError(ERR_UNREACHABLE.format(target=f"{host}:{port}"))
    reserved = parse_entries(policy.reserved)
    for address in addresses:
        if any(e.matches(host, address, port) for e in reserved):
            raise LiveDsnError(ERR_REFUSED.format(host=host, port=port))
        allowed = any(e.matches(host, address, port) for e in allow if e.socket_dir is None)
        if not allowed and any(e.matches(host, address, port) for e in deny):
            raise LiveDsnError(ERR_REFUSED.format(host=host, port=port))
    params.update(_FORCED, hostaddr=addresses[0], port=str(port))
    return conninfo.make_conninfo("", **params)


def reserved_hosts(*dsns: str | None) -> tuple[str, ...]:
    """``host:port`` entries for the TCP servers among ``dsns`` (the app's own databases)."""
    out: list[str] = []
    for dsn in dsns:
        if not dsn:
            continue
        try:
            params = conninfo.conninfo_to_dict(dsn)
        except psycopg.ProgrammingError:
            continue
        host = str(params.get("host") or "")
        if not host or host.startswith(("/", "@")):
            continue
        port = str(params.get("port") or DEFAULT_PORT)
        for one in host.split(","):
            out.append(f"[{one}]:{port}" if ":" in one else f"{one}:{port}")
            out.extend(
                f"[{a}]:{port}" if ":" in a else f"{a}:{port}" for a in _resolve(one, int(port))
            )
    return tuple(dict.fromkeys(out))
