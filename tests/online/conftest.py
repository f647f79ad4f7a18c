"""Fixtures of the online tests: a local server, a session that reaches only it, no internet.

Every test here runs with the socket layer guarded: resolving or connecting
to any host other than the loopback address raises :class:`InternetRefused`,
so a test that tried to reach the internet fails at once instead of reaching
it.  Sessions are also made with ``allowed_hosts={"127.0.0.1"}``.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/_shared.py

from fake_services import FakeServices, World  # noqa: E402

from citegraph.online import make_clients, make_session, services_from_env  # noqa: E402
from citegraph.online.session import RetryPolicy  # noqa: E402

LOCAL = frozenset({"127.0.0.1", "localhost", "::1"})


class InternetRefused(OSError):
    """A test tried to reach a host other than the local one."""


@pytest.fixture(autouse=True)
def no_internet(monkeypatch):
    """Refuse name resolution and connections to any host but loopback, for every test here."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL:
            raise InternetRefused(f"the tests may not reach {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def check(address):
        if isinstance(address, tuple) and address and address[0] not in LOCAL:
            raise InternetRefused(f"the tests may not connect to {address[0]!r}")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for name in ("NCBI_API_KEY", "OPENALEX_API_KEY", "CITEGRAPH_EMAIL", "CITEGRAPH_EUTILS_URL",
                 "CITEGRAPH_CROSSREF_URL", "CITEGRAPH_OPENALEX_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def world() -> World:
    return World.load()


@pytest.fixture
def server(world):
    with FakeServices(world) as services:
        yield services


class VirtualTime:
    """A clock that moves only when something sleeps: rate limits and backoff without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def vtime() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def online(server, tmp_path, vtime):
    """A factory of (clients, session) against the local server, on virtual time."""
    made = []

    def make(*, offline: bool = False, cache_dir: Path | None = None, env: dict | None = None,
             retry: RetryPolicy | None = None, timeout: tuple[float, float] | None = None):
        services = services_from_env({**server.env(), **(env or {})}, clock=vtime.clock, sleep=vtime.sleep)
        for service in services.values():
            if retry is not None:
                service.retry = retry
            if timeout is not None:
                service.timeout = timeout
        session = make_session(cache_dir or tmp_path / "cache", services.values(), offline=offline,
                               allowed_hosts={"127.0.0.1"}, sleep=vtime.sleep)
        made.append(session)
        return make_clients(session, services, offline=offline), session

    yield make
    for session in made:
        session.close()
