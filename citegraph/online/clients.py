"""The three clients together, and the report of what they did.

:class:`Clients` bundles one client per service, each over its own
:class:`~citegraph.online.session.Http`; a service left out (``None``) is
simply not asked.  :class:`OnlineReport` gathers what enrichment and growth
did, for the command line to tell: identifiers filled, candidates refused,
works added, requests per service, services that could not be reached.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..model import Record
from .crossref import Crossref
from .eutils import EUtils
from .openalex import OpenAlex
from .session import Http, Service, ServiceUnavailable

__all__ = ["Clients", "OnlineReport", "make_clients"]

log = logging.getLogger(__name__)


@dataclass
class OnlineReport:
    """What the online stages did.

    Attributes
    ----------
    filled : Counter
        Mentions given a ``pmid``, ``doi``, ``pmcid``, or other ``metadata``.
    refused : Counter
        Answers not taken: ``crossref`` candidates that did not agree,
        ``citmatch`` PMIDs whose record contradicted the reference.
    unavailable : dict
        Service label -> why it was skipped.
    added : int
        Works added by growth.
    expanded : int
        Works whose references or citing works were looked up.
    rounds : int
        Rounds of growth run.
    capped : bool
        Growth stopped at ``max_nodes``.
    """

    filled: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    unavailable: dict[str, str] = field(default_factory=dict)
    added: int = 0
    expanded: int = 0
    rounds: int = 0
    capped: bool = False


@dataclass
class Clients:
    """One client per service; ``None`` for a service not to ask."""

    eutils: EUtils | None = None
    crossref: Crossref | None = None
    openalex: OpenAlex | None = None
    report: OnlineReport = field(default_factory=OnlineReport)
    #: DOI -> OpenAlex id, as OpenAlex answered during this run
    openalex_ids: dict[str, str] = field(default_factory=dict)
    #: OpenAlex id -> OpenAlex's record (with its references), as answered during this run
    openalex_records: dict[str, Record] = field(default_factory=dict)

    def https(self) -> dict[str, Http]:
        """``{service name: Http}`` of the clients present."""
        out = {}
        for name in ("eutils", "crossref", "openalex"):
            client = getattr(self, name)
            if client is not None and client.http is not None:
                out[name] = client.http
        return out

    @contextmanager
    def guard(self, client) -> Iterator[None]:
        """Run one stage with ``client``: a service found unavailable is noted and the run goes on."""
        try:
            yield
        except ServiceUnavailable as exc:
            self.report.unavailable.setdefault(exc.service, exc.reason)
            log.info("%s", exc)

    def usable(self, client) -> bool:
        """Whether a client is there and its service is not known to be down."""
        return client is not None and (client.http is None or client.http.down is None)


def make_clients(session, services: Mapping[str, Service], *, offline: bool = False) -> Clients:
    """A :class:`Clients` over one session, for the services given."""
    def http(name: str) -> Http | None:
        return Http(session, services[name], offline=offline) if name in services else None

    eutils, crossref, openalex = http("eutils"), http("crossref"), http("openalex")
    return Clients(eutils=EUtils(eutils) if eutils else None,
                   crossref=Crossref(crossref) if crossref else None,
                   openalex=OpenAlex(openalex) if openalex else None)
