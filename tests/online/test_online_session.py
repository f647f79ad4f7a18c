"""The polite cached session: rate limits, retries, Retry-After, timeouts, a dead server, the cache."""

from __future__ import annotations

import socket
import time
from datetime import timedelta

import pytest
import requests
from fake_services import Fault, FakeServices

from citegraph.errors import CitegraphError
from citegraph.online import (HostRefused, NotCached, RateLimiter, RetryPolicy, ServiceError,
                              ServiceUnavailable, cache_info, clear_cache, make_session,
                              services_from_env)
from citegraph.online.session import Http, cache_path


def efetch(clients, pmid="99000012"):
    return clients.eutils.http.get("efetch.fcgi", {"db": "pubmed", "id": pmid, "retmode": "xml"})


# -- no test reaches the internet ----------------------------------------------------

def test_the_tests_cannot_resolve_or_reach_any_host_but_loopback():
    with pytest.raises(OSError, match="may not reach 'example.org'"):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(OSError, match="may not reach"):
        socket.create_connection(("93.184.216.34", 80), timeout=0.1)
    with socket.socket() as raw, pytest.raises(OSError, match="may not connect to '93.184.216.34'"):
        raw.connect(("93.184.216.34", 80))
    with pytest.raises(requests.ConnectionError):
        requests.get("https://api.crossref.org/works", timeout=1)


def test_a_session_told_to_reach_only_loopback_refuses_the_real_services(tmp_path, server):
    services = services_from_env({})  # the real addresses
    session = make_session(tmp_path, services.values(), allowed_hosts={"127.0.0.1"})
    try:
        for service in services.values():
            with pytest.raises(HostRefused, match="only 127.0.0.1 allowed"):
                session.get(service.url("works"))
        with pytest.raises(HostRefused):
            session.get("http://example.org/")
        assert session.get(f"{server.url}/eutils/efetch.fcgi", params={"id": "99000012"}).status_code == 200
    finally:
        session.close()


# -- configuration ---------------------------------------------------------------------

def test_services_follow_the_environment():
    services = services_from_env({"CITEGRAPH_EMAIL": "me@example.org", "OPENALEX_API_KEY": "oa-key",
                                  "CITEGRAPH_EUTILS_URL": "http://127.0.0.1:9/eutils/"})
    eutils, crossref, openalex = services["eutils"], services["crossref"], services["openalex"]
    assert eutils.base_url == "http://127.0.0.1:9/eutils"
    assert crossref.base_url == "https://api.crossref.org" and openalex.base_url == "https://api.openalex.org"
    assert eutils.limiter.rate == 3.0  # no NCBI key: 3 a second
    assert eutils.params == {"tool": "citegraph", "email": "me@example.org"}
    assert crossref.params == {"mailto": "me@example.org"} and crossref.limiter.rate == 10.0
    assert openalex.params == {"mailto": "me@example.org", "api_key": "oa-key"}
    assert "mailto:me@example.org" in crossref.headers["User-Agent"]
    anonymous = services_from_env({})
    assert anonymous["crossref"].limiter.rate == 5.0 and anonymous["crossref"].params == {}
    assert services_from_env({"NCBI_API_KEY": "k"})["eutils"].limiter.rate == 10.0


def test_each_service_has_its_own_expiry(tmp_path, server, online):
    clients, session = online()
    patterns = session.settings.urls_expire_after
    assert patterns[f"127.0.0.1:{server.port}/openalex"] == timedelta(days=14)
    assert patterns[f"127.0.0.1:{server.port}/eutils"] == timedelta(days=30)
    response = clients.openalex.http.get("works", {"filter": "doi:10.5555/citegraph.asj.2020.0379"})
    assert timedelta(days=13) < response.expires - response.created_at <= timedelta(days=14)


def test_identity_and_keys_are_sent_but_left_out_of_the_cache(tmp_path, server, online):
    clients, _ = online(env={"CITEGRAPH_EMAIL": "me@example.org", "NCBI_API_KEY": "secret-key"})
    efetch(clients)
    sent = server.requests[-1]
    assert sent.param("email") == "me@example.org" and sent.param("tool") == "citegraph"
    assert sent.param("api_key") == "secret-key"
    # another address and key still find the answer cached
    again, _ = online(env={"CITEGRAPH_EMAIL": "other@example.org"})
    assert efetch(again).from_cache and server.count() == 1
    assert b"secret-key" not in cache_path(tmp_path / "cache").read_bytes()


# -- rate limits ---------------------------------------------------------------------------

def test_the_rate_limiter_spaces_requests_evenly_in_real_time():
    limiter = RateLimiter(20)
    start = time.monotonic()
    for _ in range(5):
        limiter.acquire()
    assert time.monotonic() - start >= 4 / 20 * 0.95
    assert limiter.acquired == 5


def test_requests_are_spaced_by_the_service_limit(server, online, vtime):
    clients, _ = online()
    for pmid in ("99000011", "99000012", "99000013", "99000014"):
        efetch(clients, pmid)
    assert clients.eutils.http.service.limiter.acquired == 4
    assert vtime.sleeps == pytest.approx([1 / 3] * 3)  # 3 a second without an NCBI key


def test_answers_from_the_cache_are_not_rate_limited_nor_sent(server, online, vtime):
    clients, _ = online()
    for _ in range(3):
        response = efetch(clients)
    assert response.from_cache
    assert server.count() == 1
    assert clients.eutils.http.service.limiter.acquired == 1 and vtime.sleeps == []
    assert clients.eutils.http.stats["cached"] == 2 and clients.eutils.http.sent == 1


def test_a_lower_limit_announced_by_the_service_is_followed(server, online, vtime):
    server.headers["crossref"] = {"X-Rate-Limit-Limit": "2", "X-Rate-Limit-Interval": "1s"}
    clients, _ = online()
    limiter = clients.crossref.http.service.limiter
    assert limiter.rate == 5.0
    clients.crossref.by_dois(["10.5555/citegraph.asj.2020.0379"])
    assert limiter.rate == 2.0
    clients.crossref.by_dois(["10.5555/citegraph.neu.2015.0926"])
    assert vtime.sleeps == [0.5]
    server.headers["crossref"] = {"X-Rate-Limit-Limit": "50", "X-Rate-Limit-Interval": "1s"}
    clients.crossref.by_dois(["10.5555/citegraph.brs.2016.1306"])
    assert limiter.rate == 2.0  # never raised above what we chose


# -- retries ------------------------------------------------------------------------------------

def test_429_is_retried_after_the_time_retry_after_asks(server, online, vtime):
    server.faults.append(Fault("eutils", status=429, retry_after="2"))
    clients, _ = online()
    assert efetch(clients).status_code == 200
    assert server.count("eutils") == 2
    assert 2.0 in vtime.sleeps
    assert clients.eutils.http.adapter.waits == [2.0]


def test_retry_after_as_an_http_date_is_honoured(server, online, vtime):
    from email.utils import format_datetime
    from datetime import datetime, timezone

    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    server.faults.append(Fault("crossref", status=503, retry_after=when))
    clients, _ = online()
    assert clients.crossref.by_dois(["10.5555/citegraph.asj.2020.0379"])
    assert 25 <= clients.crossref.http.adapter.waits[0] <= 31


def test_a_500_then_success_backs_off_once(server, online, vtime):
    server.faults.append(Fault("openalex", status=500))
    clients, _ = online()
    assert clients.openalex.by_dois(["10.5555/citegraph.asj.2020.0379"])
    assert server.count("openalex") == 2
    assert clients.openalex.http.adapter.waits == [1.0]


def test_5xx_that_persists_makes_the_service_unavailable_after_backing_off(server, online, vtime):
    server.faults.append(Fault("eutils", status=502, times=10))
    clients, _ = online()
    with pytest.raises(ServiceUnavailable) as caught:
        efetch(clients)
    assert str(caught.value) == "NCBI E-utilities is unavailable: HTTP 502 Bad Gateway (4 tries)"
    assert server.count("eutils") == 4
    assert clients.eutils.http.adapter.waits == [1.0, 2.0, 4.0]
    # and from now on it fails at once, without asking again
    with pytest.raises(ServiceUnavailable):
        efetch(clients, "99000013")
    assert server.count("eutils") == 4


def test_a_retry_after_longer_than_we_wait_gives_up_at_once(server, online, vtime):
    server.faults.append(Fault("openalex", status=429, retry_after="86400"))
    clients, _ = online()
    with pytest.raises(ServiceUnavailable, match="asks to wait 86400 s"):
        clients.openalex.http.get("works", {"filter": "doi:10.5555/x"})
    assert server.count("openalex") == 1 and vtime.sleeps == []


@pytest.mark.parametrize("status", [400, 404], ids=["bad-request", "not-found"])
def test_other_4xx_are_not_retried_and_skip_only_that_question(server, online, vtime, status):
    server.faults.append(Fault("crossref", status=status))
    clients, _ = online(env={"CITEGRAPH_EMAIL": "me@example.org"})
    with pytest.raises(ServiceError, match=f"HTTP {status}") as caught:
        clients.crossref.http.get("works", {"filter": "doi:10.5555/x"})
    assert "mailto" not in str(caught.value)
    assert server.count("crossref") == 1 and vtime.sleeps == []
    assert clients.crossref.http.down is None
    assert clients.crossref.by_dois(["10.5555/citegraph.asj.2020.0379"])  # the next question is asked


def test_a_timeout_is_retried(server, online, vtime):
    server.faults.append(Fault("eutils", delay=1.0))
    clients, _ = online(timeout=(2.0, 0.2))
    start = time.monotonic()
    assert efetch(clients).status_code == 200
    assert server.count("eutils") == 2
    assert clients.eutils.http.adapter.waits == [1.0]
    assert time.monotonic() - start < 1.0  # the slow answer was not waited for


def test_an_answer_cut_short_is_retried(server, online, vtime):
    server.faults.append(Fault("eutils", cut=True))
    clients, _ = online()
    works = clients.eutils.fetch(["99000012"])
    assert works["99000012"].doi == "10.5555/citegraph.asj.2020.0379"
    assert server.count("eutils") == 2 and clients.eutils.http.adapter.retried == 1


def test_timeouts_that_persist_make_the_service_unavailable(server, online, vtime):
    server.faults.append(Fault("crossref", delay=0.6, times=4))
    clients, _ = online(timeout=(2.0, 0.1))
    with pytest.raises(ServiceUnavailable, match="Crossref is unavailable: no answer in time"):
        clients.crossref.by_dois(["10.5555/citegraph.asj.2020.0379"])
    assert server.count("crossref") == 4


def test_a_dead_server_is_one_clear_error_then_fails_fast(tmp_path, vtime):
    dead = FakeServices().start()
    env = dead.env()
    dead.stop()  # nothing listens on that port any more
    services = services_from_env(env, clock=vtime.clock, sleep=vtime.sleep)
    session = make_session(tmp_path, services.values(), allowed_hosts={"127.0.0.1"}, sleep=vtime.sleep)
    http = Http(session, services["eutils"])
    with pytest.raises(ServiceUnavailable) as caught:
        http.get("efetch.fcgi", {"id": "1"})
    message = str(caught.value)
    assert message == f"NCBI E-utilities is unavailable: connection refused at {env['CITEGRAPH_EUTILS_URL']}"
    assert isinstance(caught.value, CitegraphError) and "\n" not in message
    assert http.adapter.sent == 2  # one retry for a refused connection
    with pytest.raises(ServiceUnavailable):
        http.get("efetch.fcgi", {"id": "2"})
    assert http.adapter.sent == 2
    session.close()


# -- offline and the cache ---------------------------------------------------------------------

def test_offline_answers_from_the_cache_and_never_connects(tmp_path, server, online):
    clients, _ = online()
    efetch(clients)
    assert server.count() == 1
    offline, _ = online(offline=True)
    assert efetch(offline).from_cache
    with pytest.raises(NotCached):
        efetch(offline, "99000013")
    assert server.count() == 1
    assert offline.eutils.http.stats["not_cached"] == 1 and offline.eutils.http.down is None


def test_cache_info_and_clear(tmp_path, server, online):
    clients, session = online()
    efetch(clients)
    clients.openalex.by_dois(["10.5555/citegraph.asj.2020.0379"])
    session.close()
    services = services_from_env(server.env())
    info = cache_info(tmp_path / "cache", services)
    assert info["exists"] and info["responses"] == 2 and info["expired"] == 0
    assert info["by_service"] == {"eutils": 1, "openalex": 1}
    assert info["size"] > 0
    assert clear_cache(tmp_path / "cache", expired_only=True) == 0
    assert clear_cache(tmp_path / "cache") == 2
    assert cache_info(tmp_path / "cache")["responses"] == 0
    assert clear_cache(tmp_path / "nothing-here") == 0


def test_retry_policy_delays():
    policy = RetryPolicy(backoff=0.5, max_wait=10)
    assert [policy.delay(n, None) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert policy.delay(1, 3.0) == 3.0 and policy.delay(1, 11.0) is None


@pytest.mark.parametrize("damage", ["garbage", "truncated"], ids=["overwritten-with-garbage", "cut-in-half"])
def test_a_damaged_cache_is_set_aside_with_a_warning_and_rebuilt(tmp_path, server, online, damage, caplog):
    cache_dir = tmp_path / "cache"
    clients, session = online(cache_dir=cache_dir)
    efetch(clients)
    session.close()
    path = cache_path(cache_dir)
    data = path.read_bytes()
    path.write_bytes(b"this is not a database" * 100 if damage == "garbage" else data[: len(data) // 2])
    before = server.count()

    clients, _ = online(cache_dir=cache_dir)
    response = efetch(clients)
    assert response.status_code == 200 and not response.from_cache
    assert server.count() == before + 1  # asked again: the damaged answers are not trusted
    aside = [p.name for p in cache_dir.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].startswith("http.sqlite.damaged-")
    assert any("was damaged: set aside as" in r.getMessage() for r in caplog.records)
    assert efetch(clients).from_cache  # the new cache works
