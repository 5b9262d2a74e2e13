"""A DSN a user types (import from / compare with a live database) cannot aim the server at
its own sockets, files or loopback services, nor tell open ports from closed ones."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st
from psycopg import conninfo, pq

from designer.sql import live_dsn
from designer.sql.live_dsn import LiveDsnError, LivePolicy, check_live_dsn
from projects.models import Project

DEFAULT = LivePolicy()
PUBLIC = "192.0.2.10"  # TEST-NET-1: resolvable as a literal, never connected to here


def refused(dsn: str, policy: LivePolicy = DEFAULT) -> str:
    with pytest.raises(LiveDsnError) as caught:
        check_live_dsn(dsn, policy)
    return str(caught.value)


LIBPQ_KEYWORDS = sorted(o.keyword.decode() for o in pq.Conninfo.get_defaults())


@pytest.mark.parametrize(
    "name", [k for k in LIBPQ_KEYWORDS if k not in live_dsn.ALLOWED_PARAMETERS]
)
def test_every_parameter_a_read_does_not_need_is_refused_by_name(name: str) -> None:
    dsn = conninfo.make_conninfo(f"host={PUBLIC} dbname=x", **{name: "1"})
    assert refused(dsn) == live_dsn.ERR_PARAMETER.format(name=name)


@pytest.mark.parametrize(
    "dsn",
    [
        "dbname=x",
        "host='' dbname=x",
        "host=/var/run/postgresql dbname=x",
        "postgresql:///x?host=/tmp",
        "postgresql://postgres@%2Ftmp/x",
        "host=@abstract dbname=x",
    ],
)
def test_unix_sockets_are_refused(dsn: str) -> None:
    assert refused(dsn) == live_dsn.ERR_SOCKET


@pytest.mark.parametrize(
    "dsn",
    [
        f"host={PUBLIC} hostaddr=127.0.0.1 dbname=x",
        f"host={PUBLIC} options='-c statement_timeout=0' dbname=x",
        f"host={PUBLIC} passfile=/etc/passwd dbname=x",
        f"host={PUBLIC} sslkey=/etc/ssl/private/key.pem dbname=x",
        f"host={PUBLIC} service=prod dbname=x",
        f"postgresql://u@{PUBLIC}/x?sslcert=/root/.postgresql/postgresql.crt",
    ],
)
def test_tricks_named_in_the_issue_are_refused(dsn: str) -> None:
    assert refused(dsn).startswith("The connection parameter")


def test_a_file_as_root_certificate_is_refused_but_the_system_store_is_not() -> None:
    assert refused(f"host={PUBLIC} sslrootcert=/etc/x.pem") == live_dsn.ERR_ROOTCERT
    assert "sslrootcert=system" in check_live_dsn(f"host={PUBLIC} sslrootcert=system", DEFAULT)


@pytest.mark.parametrize(
    "dsn", [f"host={PUBLIC},{PUBLIC} dbname=x", f"postgresql://u@{PUBLIC}:1,{PUBLIC}:2/x"]
)
def test_host_lists_are_refused(dsn: str) -> None:
    assert refused(dsn) == live_dsn.ERR_HOST_LIST


@pytest.mark.parametrize("port", ["0", "65536", "x", "-1"])
def test_bad_ports_are_refused(port: str) -> None:
    assert refused(f"host={PUBLIC} port={port}") == live_dsn.ERR_PORT


@pytest.mark.parametrize(
    ("given_timeout", "used"), [(None, "10"), ("0", "10"), ("-5", "10"), ("600", "10"), ("3", "3")]
)
def test_connect_timeout_is_capped_and_never_zero(given_timeout: str | None, used: str) -> None:
    extra = f" connect_timeout={given_timeout}" if given_timeout else ""
    params = conninfo.conninfo_to_dict(check_live_dsn(f"host={PUBLIC}{extra}", DEFAULT))
    assert params["connect_timeout"] == used


def test_the_connection_is_pinned_to_the_checked_address_without_the_servers_credentials():
    params = conninfo.conninfo_to_dict(check_live_dsn("host=localhost", LivePolicy(deny=())))
    assert params["hostaddr"] in {"127.0.0.1", "::1"}
    assert params["passfile"].startswith("/nonexistent/")
    assert (params["sslcertmode"], params["gssencmode"]) == ("disable", "disable")


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "169.254.169.254",
    ],
)
def test_loopback_this_host_and_link_local_are_refused_by_default(host: str) -> None:
    message = refused(conninfo.make_conninfo("", host=host, dbname="x"))
    assert message.startswith("This server may not connect to")


@given(st.ip_addresses(network="127.0.0.0/8"))
def test_no_loopback_address_passes_the_default_policy(address: object) -> None:
    with pytest.raises(LiveDsnError):
        check_live_dsn(conninfo.make_conninfo("", host=str(address)), DEFAULT)


@given(st.ip_addresses(v=4, network="198.51.100.0/24") | st.ip_addresses(v=4, network="10.0.0.0/8"))
def test_other_addresses_pass_the_default_policy(address: object) -> None:
    params = conninfo.conninfo_to_dict(check_live_dsn(f"host={address}", DEFAULT))
    assert params["hostaddr"] == str(address)


def test_allow_opens_one_port_of_a_denied_host_and_star_denies_the_rest() -> None:
    policy = LivePolicy(allow=("127.0.0.1:5432", "db.internal"), deny=("*",))
    check_live_dsn("host=127.0.0.1 port=5432", policy)
    assert refused("host=127.0.0.1 port=5433", policy).startswith("This server may not")
    assert refused(f"host={PUBLIC}", policy).startswith("This server may not")
    networks = LivePolicy(allow=("198.51.100.0/24",), deny=("*",))
    check_live_dsn("host=198.51.100.7", networks)


def test_our_own_servers_are_refused_even_when_allowed() -> None:
    reserved = live_dsn.reserved_hosts("postgresql://postgres@198.51.100.7:6543/postgres")
    policy = LivePolicy(allow=("198.51.100.0/24",), reserved=reserved)
    assert refused("host=198.51.100.7 port=6543", policy).startswith("This server may not")
    check_live_dsn("host=198.51.100.7 port=5432", policy)


def test_an_unknown_host_is_the_generic_message() -> None:
    message = refused("host=no-such-host.invalid dbname=x")
    assert message == live_dsn.ERR_UNREACHABLE.format(target="no-such-host.invalid:5432")


# -- through the pages ---------------------------------------------------------------------------

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def project(client, django_user_model, db):
    call_command("seed_demo")
    client.force_login(django_user_model.objects.get(username="admin"))
    return Project.objects.get(slug="demo")


@pytest.fixture
def listeners() -> Iterator[dict[str, int]]:
    """Local ports in three states: closed, open and silent-then-closing, open and talking."""
    servers: list[socket.socket] = []
    stop = threading.Event()

    def serve(sock: socket.socket, reply: bytes) -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                if reply:
                    conn.sendall(reply)

    ports: dict[str, int] = {}
    for name, reply in (("closes", b""), ("talks", b"HTTP/1.1 400 Bad Request\r\n\r\n")):
        sock = socket.create_server(("127.0.0.1", 0))
        servers.append(sock)
        ports[name] = sock.getsockname()[1]
        threading.Thread(target=serve, args=(sock, reply), daemon=True).start()
    closed = socket.create_server(("127.0.0.1", 0))
    ports["closed"] = closed.getsockname()[1]
    closed.close()
    yield ports
    stop.set()
    for sock in servers:
        sock.close()


def test_open_and_closed_ports_answer_the_same_message(client, project, settings, listeners):
    settings.ERD_LIVE_DSN_ALLOW = ["127.0.0.1"]
    messages = set()
    for port in listeners.values():
        dsn = f"postgresql://u:s3cret@127.0.0.1:{port}/db"
        response = client.post("/p/demo/versions/compare-live/", {"dsn": dsn}, **HX)
        assert response.status_code == 422
        html = response.content.decode()
        assert "s3cret" not in html
        (error,) = re.findall(r'class="form-error"[^>]*>(.*?)</p>', html, re.S)
        messages.add(error.replace(str(port), "PORT"))
    assert messages == {
        escape(live_dsn.ERR_UNREACHABLE.format(target="postgresql://u:********@127.0.0.1:PORT/db"))
    }


@pytest.mark.parametrize(
    ("url", "field"),
    [("/p/demo/versions/compare-live/", "dsn"), ("/p/demo/import/", "dsn")],
)
@pytest.mark.parametrize(
    ("dsn", "message"),
    [
        ("host=/tmp dbname=postgres user=postgres", live_dsn.ERR_SOCKET),
        ("postgresql://postgres@127.0.0.1:5432/postgres", "This server may not connect to"),
        ("host=192.0.2.1 options='-c log_statement=all'", "The connection parameter"),
    ],
)
def test_the_pages_refuse_a_dangerous_dsn_with_a_clear_error(
    client, project, url: str, field: str, dsn: str, message: str
) -> None:
    response = client.post(url, {field: dsn}, **HX)
    assert response.status_code == 422
    assert escape(message) in response.content.decode()
