"""Online resolution and snowballing: NCBI E-utilities, Crossref and OpenAlex, cached.

Off by default: nothing here runs unless ``citegraph build --online`` (or
``--offline``, to answer from the cache) asks for it.  Between reading and
resolving, the online stages

1. **enrich** (:func:`enrich_records`): fill the identifiers and metadata of
   every work the records mention: ECitMatch and EFetch at NCBI, a
   bibliographic search and DOI metadata at Crossref, works by DOI at
   OpenAlex;
2. **grow** (:func:`grow`, ``--depth N``): add N rounds of references
   and/or citing works (ELink at NCBI, ``referenced_works`` and ``cites:`` at
   OpenAlex), up to ``--max-nodes`` works.

Every request goes through one ``requests_cache.CachedSession``
(:func:`make_session`, SQLite in ``cache/``), with a rate limiter per service,
retries with backoff and one clear message when a service cannot be reached.
The caller makes the session, the services and their limiters and passes
them in; this package keeps no state of its own.

Use from Python (this reaches the real services)::

    from citegraph.online import enrich_records, grow, make_clients, make_session, services_from_env

    services = services_from_env()  # CITEGRAPH_EMAIL, NCBI_API_KEY, ... from the environment
    session = make_session("cache", services.values())
    clients = make_clients(session, services)
    records = grow(enrich_records(records, clients), clients, depth=1)
    print(clients.report)
"""

from __future__ import annotations

import importlib
from typing import Any

# Names are imported on first use, so that ``citegraph --help`` and an offline
# build do not load requests, requests-cache and the service clients.
_WHERE = {
    "Clients": "clients", "OnlineReport": "clients", "make_clients": "clients",
    "Crossref": "crossref", "enrich_records": "enrich", "EUtils": "eutils",
    "DIRECTIONS": "growth", "ONLINE_FORMAT": "growth", "GrowthStatus": "growth", "grow": "growth",
    "candidate_verdict": "match", "confirms": "match", "fill": "match", "OpenAlex": "openalex",
    "Http": "session", "HostRefused": "session", "NotCached": "session", "OnlineError": "session",
    "RateLimiter": "session", "RetryPolicy": "session", "Service": "session",
    "ServiceError": "session", "ServiceUnavailable": "session", "cache_info": "session",
    "clear_cache": "session", "make_session": "session", "services_from_env": "session",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
