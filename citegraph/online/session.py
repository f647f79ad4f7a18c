"""One polite, cached HTTP session for the online services.

Everything here is made by the caller and handed on: nothing is created at
import time and no setting is read from the environment except in
:func:`services_from_env`, which the command line calls.

* :class:`Service` says where a service is and how to treat it: its base URL,
  its :class:`RateLimiter`, how long its answers stay fresh in the cache, the
  parameters that identify us (``tool``, ``email``, ``mailto``, ``api_key``)
  and the :class:`RetryPolicy`.
* :func:`make_session` builds one ``requests_cache.CachedSession`` (SQLite in
  the cache folder) and mounts one :class:`PoliteAdapter` per service.  The
  adapter is reached only when the cache cannot answer, so rate limits and
  request counts apply to real requests only.  It waits for its turn, sends,
  and retries 429, 5xx, timeouts and dropped connections with exponential
  backoff, honouring ``Retry-After``; it never retries another 4xx.
* :class:`Http` is the session seen from one service: it adds the identifying
  parameters, turns failures into :class:`~citegraph.errors.CitegraphError`
  subclasses with one clear line, counts what was sent and what the cache
  answered, and once a service is found unreachable, fails fast for the rest
  of the run.

With ``offline=True`` the session answers from the cache only (expired
answers included) and never opens a connection: a question it has no answer
for raises :class:`NotCached`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from .. import __version__
from ..errors import CitegraphError

__all__ = ["RateLimiter", "RetryPolicy", "Service", "services_from_env", "make_session",
           "PoliteAdapter", "Http", "OnlineError", "ServiceUnavailable", "ServiceError", "NotCached",
           "HostRefused", "SKIPPED", "CACHE_NAME", "cache_path", "cache_info", "clear_cache", "DEFAULT_URLS"]

log = logging.getLogger(__name__)

#: The cache file is ``<cache folder>/http.sqlite``.
CACHE_NAME = "http"

#: Where the services answer, unless ``CITEGRAPH_<NAME>_URL`` says otherwise.
DEFAULT_URLS: dict[str, str] = {
    "eutils": "https://eutils.ncbi.nlm.nih.gov/entrez/eutils",
    "crossref": "https://api.crossref.org",
    "openalex": "https://api.openalex.org",
}

_LABELS = {"eutils": "NCBI E-utilities", "crossref": "Crossref", "openalex": "OpenAlex"}

# Parameters that identify us rather than the question: left out of cache keys,
# so that a new e-mail address or key still finds yesterday's answers.
_IDENTITY_PARAMS = ("email", "mailto", "tool", "api_key", "apikey", "access_token")


# -- errors ------------------------------------------------------------------

class OnlineError(CitegraphError):
    """Something went wrong while asking an online service."""


class ServiceUnavailable(OnlineError):
    """A service cannot be reached or keeps failing: it is skipped for the rest of the run."""

    def __init__(self, service: str, reason: str) -> None:
        self.service = service
        self.reason = reason
        super().__init__(f"{service} is unavailable: {reason}")


class ServiceError(OnlineError):
    """A service refused one question (a 4xx other than 429): that question is skipped."""

    def __init__(self, service: str, status: int, url: str) -> None:
        self.service = service
        self.status = status
        super().__init__(f"{service} answered HTTP {status} to {url}")


class NotCached(OnlineError):
    """Offline, and the cache holds no answer to this question."""


class HostRefused(OnlineError):
    """The session was told to reach only some hosts (tests) and was asked for another."""


#: What skips one question and goes on with the next.
SKIPPED = (ServiceError, NotCached)


# -- politeness ----------------------------------------------------------------

class RateLimiter:
    """At most ``rate`` requests per second, evenly spaced; safe to share between threads.

    Parameters
    ----------
    rate : float
        Requests per second.
    clock, sleep : callables, optional
        ``time.monotonic`` and ``time.sleep`` unless a test gives its own.

    Examples
    --------
    >>> t = [0.0]
    >>> limiter = RateLimiter(2, clock=lambda: t[0], sleep=lambda s: t.__setitem__(0, t[0] + s))
    >>> for _ in range(3):
    ...     limiter.acquire()
    >>> t[0], limiter.acquired
    (1.0, 3)
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()
        self.acquired = 0  # requests let through
        self.waited = 0.0  # seconds spent waiting for a turn

    def slow_to(self, rate: float) -> None:
        """Lower the rate (never raise it): a service announced a lower limit than we assumed."""
        with self._lock:
            if 0 < rate < self.rate:
                longer = 1.0 / rate - self.interval
                self.rate = rate
                self.interval = 1.0 / rate
                self._next += longer  # the turn already promised waits as long as the new rate asks

    def acquire(self) -> None:
        """Wait for the next turn."""
        with self._lock:
            now = self._clock()
            wait = self._next - now
            if wait > 0:
                self._sleep(wait)
                self.waited += wait
                now += wait
            self._next = now + self.interval
            self.acquired += 1


@dataclass(frozen=True)
class RetryPolicy:
    """Which failures are tried again, how often and after how long.

    ``attempts`` counts every try, the first included.  The n-th retry waits
    ``backoff * 2**(n-1)`` seconds, or what ``Retry-After`` asks; an answer
    that asks for more than ``max_wait`` seconds is not waited for (the
    service is then reported unavailable).  A connection that cannot be
    opened at all is tried ``connect_attempts`` times.

    Examples
    --------
    >>> policy = RetryPolicy(backoff=0.5)
    >>> [policy.delay(n, None) for n in (1, 2, 3)], policy.delay(1, 7.0), policy.delay(1, 600.0)
    ([0.5, 1.0, 2.0], 7.0, None)
    """

    attempts: int = 4
    connect_attempts: int = 2
    backoff: float = 1.0
    max_wait: float = 120.0
    statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})

    def delay(self, retry: int, retry_after: float | None) -> float | None:
        """Seconds to wait before retry number ``retry`` (from 1); ``None``: do not wait, give up."""
        wait = retry_after if retry_after is not None else self.backoff * 2 ** (retry - 1)
        wait = max(0.0, wait)
        return None if wait > self.max_wait else min(wait, self.max_wait)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` in seconds: a number of seconds, or an HTTP date.

    Examples
    --------
    >>> retry_after_seconds("3"), retry_after_seconds(None), retry_after_seconds("soon")
    (3.0, None, None)
    >>> now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=timezone.utc)
    >>> retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now)
    30.0
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


@dataclass
class Service:
    """One online service: where it is and how politely to ask it.

    Parameters
    ----------
    name : str
        ``"eutils"``, ``"crossref"`` or ``"openalex"``.
    base_url : str
        Where the service answers; paths are appended to it.
    limiter : RateLimiter
        Shared by every request to this service that misses the cache.
    expire_after : timedelta
        How long its answers stay fresh in the cache.
    params : mapping
        Added to every request: what identifies us (``tool``, ``email``,
        ``mailto``, ``api_key``).  These are left out of cache keys.
    headers : mapping
        Added to every request (a ``User-Agent`` that names citegraph).
    timeout : (float, float)
        Seconds to connect, and to wait for an answer.
    retry : RetryPolicy
    label : str
        The name people know it by, for messages.
    """

    name: str
    base_url: str
    limiter: RateLimiter
    expire_after: timedelta = timedelta(days=30)
    params: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    timeout: tuple[float, float] = (10.0, 60.0)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    label: str = ""

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        if not self.label:
            self.label = _LABELS.get(self.name, self.name)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"


def services_from_env(env: Mapping[str, str] | None = None, *,
                      clock: Callable[[], float] = time.monotonic,
                      sleep: Callable[[float], None] = time.sleep) -> dict[str, Service]:
    """The three services as the environment configures them.

    ``CITEGRAPH_EUTILS_URL``, ``CITEGRAPH_CROSSREF_URL`` and
    ``CITEGRAPH_OPENALEX_URL`` move a service (tests point them at a local
    server); ``CITEGRAPH_EMAIL`` is sent to all three (NCBI's ``email``,
    Crossref's and OpenAlex's ``mailto``); ``NCBI_API_KEY`` raises NCBI's
    limit from 3 to 10 requests a second; ``OPENALEX_API_KEY`` is sent to
    OpenAlex.

    Rate limits follow each service's documentation: NCBI asks for at most 3
    requests a second (10 with a key); Crossref allows 5 a second to
    anonymous users and 10 to those who give a ``mailto`` (we keep one
    request in flight at a time); OpenAlex allows 100 a second, of which we
    use 10.

    Examples
    --------
    >>> services = services_from_env({"NCBI_API_KEY": "k", "CITEGRAPH_CROSSREF_URL": "http://127.0.0.1:8/cr/"})
    >>> services["eutils"].limiter.rate, services["eutils"].params["api_key"], services["crossref"].base_url
    (10.0, 'k', 'http://127.0.0.1:8/cr')
    """
    env = os.environ if env is None else env
    email = (env.get("CITEGRAPH_EMAIL") or "").strip() or None
    ncbi_key = (env.get("NCBI_API_KEY") or "").strip() or None
    openalex_key = (env.get("OPENALEX_API_KEY") or "").strip() or None
    agent = f"citegraph/{__version__}" + (f" (mailto:{email})" if email else "")
    headers = {"User-Agent": agent}

    def url(name: str) -> str:
        return (env.get(f"CITEGRAPH_{name.upper()}_URL") or "").strip() or DEFAULT_URLS[name]

    eutils_params = {"tool": "citegraph"}
    if email:
        eutils_params["email"] = email
    if ncbi_key:
        eutils_params["api_key"] = ncbi_key
    crossref_params = {"mailto": email} if email else {}
    openalex_params = {"mailto": email} if email else {}
    if openalex_key:
        openalex_params["api_key"] = openalex_key
    return {
        "eutils": Service("eutils", url("eutils"), RateLimiter(10.0 if ncbi_key else 3.0, clock=clock, sleep=sleep),
                          expire_after=timedelta(days=30), params=eutils_params, headers=dict(headers)),
        "crossref": Service("crossref", url("crossref"), RateLimiter(10.0 if email else 5.0, clock=clock, sleep=sleep),
                            expire_after=timedelta(days=30), params=crossref_params, headers=dict(headers)),
        "openalex": Service("openalex", url("openalex"), RateLimiter(10.0, clock=clock, sleep=sleep),
                            expire_after=timedelta(days=14), params=openalex_params, headers=dict(headers)),
    }


# -- the session ---------------------------------------------------------------

def _host_allowed(url: str, allowed_hosts: frozenset[str] | None) -> bool:
    return allowed_hosts is None or (urlsplit(url).hostname or "") in allowed_hosts


class _RefusingAdapter(HTTPAdapter):
    """Mounted on ``http://`` and ``https://`` when only some hosts may be reached."""

    def __init__(self, allowed_hosts: frozenset[str]) -> None:
        super().__init__()
        self.allowed_hosts = allowed_hosts

    def send(self, request, **kwargs):  # type: ignore[override]
        if not _host_allowed(request.url, self.allowed_hosts):
            raise HostRefused(f"refused to reach {urlsplit(request.url).hostname}: "
                              f"only {', '.join(sorted(self.allowed_hosts))} allowed")
        return super().send(request, **kwargs)


class PoliteAdapter(HTTPAdapter):
    """The transport of one service: rate limit, retries, counts.

    requests-cache calls it only for requests the cache cannot answer, so
    :attr:`sent` counts real requests (every attempt) and the service's rate
    limiter is never charged for an answer read from the cache.
    """

    def __init__(self, service: Service, *, allowed_hosts: frozenset[str] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__()
        self.service = service
        self.allowed_hosts = allowed_hosts
        self._sleep = sleep
        self.sent = 0  # attempts that went out
        self.retried = 0  # attempts that were retries
        self.waits: list[float] = []  # seconds waited before each retry

    def send(self, request, **kwargs):  # type: ignore[override]
        if not _host_allowed(request.url, self.allowed_hosts):
            raise HostRefused(f"refused to reach {urlsplit(request.url).hostname}: "
                              f"only {', '.join(sorted(self.allowed_hosts or ()))} allowed")
        policy = self.service.retry
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.service.timeout
        attempt = 0
        connect_failures = 0
        while True:
            attempt += 1
            self.service.limiter.acquire()
            self.sent += 1
            try:
                response = super().send(request, **kwargs)
                if not kwargs.get("stream"):
                    response.content  # read here: an answer that stalls or breaks off is retried too
            except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                timed_out = isinstance(exc, requests.Timeout) or "timed out" in str(exc)
                connect_failures += not timed_out
                limit = policy.attempts if timed_out else policy.connect_attempts
                if attempt >= policy.attempts or (not timed_out and connect_failures >= limit):
                    raise
                wait = policy.delay(attempt, None)
                log.info("%s: %s; retrying in %.1f s", self.service.label, _describe(exc), wait or 0)
            else:
                self._follow_announced_limit(response.headers)
                if response.status_code not in policy.statuses or attempt >= policy.attempts:
                    return response
                wait = policy.delay(attempt, retry_after_seconds(response.headers.get("Retry-After")))
                if wait is None:
                    return response  # asks for a longer wait than we give: reported as unavailable
                log.info("%s: HTTP %s; retrying in %.1f s", self.service.label, response.status_code, wait)
                response.close()
            self.retried += 1
            self.waits.append(wait or 0.0)
            if wait:
                self._sleep(wait)

    def _follow_announced_limit(self, headers) -> None:
        """Crossref announces its limit (``X-Rate-Limit-Limit: 50``, ``X-Rate-Limit-Interval: 1s``): keep under it."""
        limit, interval = headers.get("X-Rate-Limit-Limit"), headers.get("X-Rate-Limit-Interval")
        if not limit or not interval:
            return
        try:
            seconds = float(interval.strip().rstrip("s"))
            rate = float(limit) / seconds
        except (ValueError, ZeroDivisionError):
            return
        if rate < self.service.limiter.rate:
            log.info("%s announces %s requests in %s: slowing down", self.service.label, limit, interval)
            self.service.limiter.slow_to(rate)


def cache_key(request, **kwargs) -> str:
    """requests-cache's key of a request, with the parameters that identify us removed.

    requests-cache redacts ignored parameters but keeps their names, so that an
    ``api_key`` present once and absent the next time would give two keys.

    Examples
    --------
    >>> from requests import Request
    >>> a = Request("GET", "http://h/x?id=1&email=a%40b.org&api_key=k").prepare()
    >>> b = Request("GET", "http://h/x?tool=citegraph&id=1").prepare()
    >>> cache_key(a) == cache_key(b)
    True
    """
    from requests_cache.cache_keys import create_key

    parts = urlsplit(request.url or "")
    if parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                if k not in _IDENTITY_PARAMS]
        request = request.copy()
        request.url = urlunsplit(parts._replace(query=urlencode(kept)))
    return create_key(request, **kwargs)


def cache_path(cache_dir: str | Path) -> Path:
    """The SQLite file of the HTTP cache in ``cache_dir``."""
    return Path(cache_dir) / f"{CACHE_NAME}.sqlite"


def set_aside_if_damaged(path: Path) -> Path | None:
    """Move a cache file SQLite cannot read out of the way; return where it went.

    SQLite's journal keeps the cache whole when a run is killed mid-write, but
    a file can still be damaged on disk or overwritten by something else.
    Such a file is renamed ``<name>.damaged-<time>`` (kept for a look, not
    deleted) and a new cache starts; the caller says so.
    """
    import sqlite3

    if not path.exists():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            if db.execute("PRAGMA quick_check").fetchone() != ("ok",):
                raise sqlite3.DatabaseError("quick_check found damage")
            db.execute("SELECT name FROM sqlite_master").fetchall()
        return None
    except sqlite3.DatabaseError:
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        path.replace(aside)
        for suffix in ("-wal", "-shm", "-journal"):
            extra = path.with_name(path.name + suffix)
            if extra.exists():
                extra.replace(aside.with_name(aside.name + suffix))
        return aside


def make_session(cache_dir: str | Path, services: Iterable[Service], *, offline: bool = False,
                 allowed_hosts: Iterable[str] | None = None,
                 sleep: Callable[[float], None] = time.sleep):
    """One cached session for all services, the cache in ``cache_dir/http.sqlite``.

    Parameters
    ----------
    cache_dir : path
        The cache folder; made if missing.
    services : iterable of Service
        Each gets its :class:`PoliteAdapter` and its own expiry.
    offline : bool
        Answer from the cache only, expired answers included; never connect.
    allowed_hosts : iterable of str, optional
        When given, any other host is refused (:class:`HostRefused`): tests
        pass ``{"127.0.0.1"}``.
    sleep : callable
        How to wait before a retry (tests pass their own).

    Returns
    -------
    requests_cache.CachedSession
    """
    import requests_cache
    from requests_cache.policy.settings import DEFAULT_IGNORED_PARAMS

    services = list(services)
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    aside = set_aside_if_damaged(cache_path(folder))
    if aside is not None:
        log.warning("the HTTP cache %s was damaged: set aside as %s, starting a new one",
                    cache_path(folder), aside.name)
    allowed = frozenset(allowed_hosts) if allowed_hosts is not None else None
    session = requests_cache.CachedSession(
        str(folder / CACHE_NAME),
        backend="sqlite",
        expire_after=timedelta(days=30),
        urls_expire_after={s.base_url.split("://", 1)[-1]: s.expire_after for s in services},
        allowable_methods=("GET",),
        allowable_codes=(200,),
        ignored_parameters=tuple(dict.fromkeys((*DEFAULT_IGNORED_PARAMS, *_IDENTITY_PARAMS))),
        only_if_cached=offline,
        stale_if_error=offline,
        key_fn=cache_key,
    )
    if allowed is not None:
        refuse = _RefusingAdapter(allowed)
        session.mount("http://", refuse)
        session.mount("https://", refuse)
    for service in services:
        session.mount(service.base_url + "/", PoliteAdapter(service, allowed_hosts=allowed, sleep=sleep))
    return session


def _plural_tries(n: int) -> str:
    return "once" if n == 1 else f"{n} tries"


def _redact(url: str | None) -> str:
    """A URL without the parameters that identify us (keys, e-mail addresses), for messages.

    Examples
    --------
    >>> _redact("https://h/x?id=1&api_key=secret&email=a%40b.org")
    'https://h/x?id=1'
    """
    parts = urlsplit(url or "")
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _IDENTITY_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(kept)))


def _describe(exc: BaseException) -> str:
    """One short phrase for a network failure."""
    if isinstance(exc, requests.Timeout) or "timed out" in str(exc):
        return "no answer in time (timed out)"
    text = str(exc)
    for marker, phrase in (("Connection refused", "connection refused"),
                           ("Name or service not known", "host name not known"),
                           ("nodename nor servname", "host name not known"),
                           ("Temporary failure in name resolution", "no name resolution (no network?)"),
                           ("Network is unreachable", "network unreachable"),
                           ("RemoteDisconnected", "connection closed by the server"),
                           ("Connection reset", "connection reset")):
        if marker in text:
            return phrase
    return f"cannot connect ({type(exc).__name__})"


class Http:
    """The session as one service sees it: identified, counted, failing fast once down.

    Parameters
    ----------
    session : requests.Session
        Made by :func:`make_session` (any session works; a plain one does not cache).
    service : Service
    offline : bool
        Whether the session answers from the cache only.

    Attributes
    ----------
    stats : collections.Counter
        ``requests`` (questions asked), ``cached`` (answered by the cache),
        ``not_cached`` (offline, no answer kept), ``failed``.
    down : str or None
        Why the service is skipped for the rest of the run, once it is.
    """

    def __init__(self, session: requests.Session, service: Service, *, offline: bool = False) -> None:
        self.session = session
        self.service = service
        self.offline = offline
        self.stats: Counter[str] = Counter()
        self.down: str | None = None

    @property
    def adapter(self) -> PoliteAdapter | None:
        adapter = self.session.get_adapter(self.service.base_url + "/")
        return adapter if isinstance(adapter, PoliteAdapter) else None

    @property
    def sent(self) -> int:
        """Requests that went out over the network (every attempt)."""
        adapter = self.adapter
        return adapter.sent if adapter else self.stats["requests"] - self.stats["cached"]

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """GET ``path`` of the service; the answer, from the cache or the network.

        Raises
        ------
        ServiceUnavailable
            The service cannot be reached, or keeps answering 429 or 5xx
            (then, and for the rest of the run, at once).
        ServiceError
            It refused this one question (400, 404...).
        NotCached
            Offline, and the cache has no answer.
        """
        if self.down is not None:
            raise ServiceUnavailable(self.service.label, self.down)
        url = self.service.url(path)
        query = {**dict(params or {}), **self.service.params}
        self.stats["requests"] += 1
        adapter = self.adapter
        retried = adapter.retried if adapter else 0
        try:
            response = self.session.get(url, params=query, headers=self.service.headers,
                                        timeout=self.service.timeout)
        except HostRefused:
            raise
        except (requests.Timeout, requests.ConnectionError) as exc:
            self.stats["failed"] += 1
            self._fail(f"{_describe(exc)} at {self.service.base_url}")
        except requests.RequestException as exc:
            self.stats["failed"] += 1
            self._fail(f"{type(exc).__name__} at {self.service.base_url}")
        if getattr(response, "from_cache", False):
            if self.offline and response.status_code == 504:
                self.stats["not_cached"] += 1
                raise NotCached(f"{self.service.label}: no answer in the cache for {_redact(response.url)}")
            self.stats["cached"] += 1
        status = response.status_code
        if status == 200:
            return response
        self.stats["failed"] += 1
        if status == 429 or status >= 500:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None and wait > self.service.retry.max_wait:
                what = "rate limit reached" if status == 429 else f"HTTP {status}"
                self._fail(f"{what}; it asks to wait {wait:.0f} s")
            tries = 1 + (adapter.retried - retried if adapter else 0)
            self._fail(f"HTTP {status} {response.reason or ''}".rstrip()
                       + f" ({_plural_tries(tries)})")
        if status in (401, 403):
            self._fail(f"HTTP {status} {response.reason or ''}".rstrip()
                       + " (an API key or e-mail address may be refused)")
        raise ServiceError(self.service.label, status, _redact(response.url))

    def _fail(self, reason: str):
        self.down = reason
        raise ServiceUnavailable(self.service.label, reason)


# -- the cache, for `citegraph cache` ----------------------------------------------

def cache_info(cache_dir: str | Path, services: Mapping[str, Service] | None = None) -> dict[str, Any]:
    """What the cache holds: file, size, answers (fresh and expired), answers per service.

    Examples
    --------
    >>> import tempfile
    >>> cache_info(tempfile.mkdtemp())["responses"]
    0
    """
    path = cache_path(cache_dir)
    info: dict[str, Any] = {"path": str(path), "exists": path.is_file(), "size": 0, "responses": 0,
                            "expired": 0, "by_service": {}}
    if not path.is_file():
        return info
    from requests_cache.backends.sqlite import SQLiteCache

    cache = SQLiteCache(str(path))
    try:
        info["size"] = path.stat().st_size
        info["responses"] = cache.responses.count()
        info["expired"] = info["responses"] - cache.responses.count(expired=False)
        prefixes = {name: s.base_url for name, s in (services or {}).items()}
        counts: Counter[str] = Counter()
        for url in cache.urls():
            name = next((n for n, base in prefixes.items() if url.startswith(base + "/")), None)
            counts[name or (urlsplit(url).hostname or "other")] += 1
        info["by_service"] = dict(sorted(counts.items()))
    finally:
        cache.close()
    return info


def clear_cache(cache_dir: str | Path, *, expired_only: bool = False) -> int:
    """Remove every answer (or only the expired ones) from the cache; how many were removed."""
    path = cache_path(cache_dir)
    if not path.is_file():
        return 0
    from requests_cache.backends.sqlite import SQLiteCache

    cache = SQLiteCache(str(path))
    try:
        before = cache.responses.count()
        if expired_only:
            cache.delete(expired=True)
        else:
            cache.clear()
        return before - cache.responses.count()
    finally:
        cache.close()
