"""Identifiers filled in: the seed page against a local server that knows its references."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_services import Fault, FakeServices

from citegraph.formats import read_records
from citegraph.model import Record, Source, Work
from citegraph.online import enrich_records

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"

EXPECTED = {  # first author: (PMID, DOI) as the local server knows them
    "Yahanda": ("99000011", "10.5555/citegraph.atm.2019.04.83"),
    "Chang": ("99000012", "10.5555/citegraph.asj.2020.0379"),
    "Müller": ("99000013", "10.5555/citegraph.wneu.2019.09.152"),
    "Schoenfeld": ("99000014", "10.5555/citegraph.brs.2016.1306"),
    "Choi": ("99000015", "10.5555/citegraph.neu.2015.0926"),
}


@pytest.fixture(scope="module")
def seed() -> list[Record]:
    records = [r for r in read_records([str(SEED)]) if isinstance(r, Record)]
    assert len(records) == 1 and len(records[0].references) == 5
    assert not any(r.pmid or r.doi for r in records[0].references)
    return records


def ids(records):
    return {r.first_author.family: (r.pmid, r.doi) for r in records[0].references}


def test_every_reference_of_the_seed_gets_its_pmid_and_doi_in_few_requests(seed, server, online):
    clients, _ = online()
    out = enrich_records(seed, clients)
    assert ids(out) == EXPECTED
    assert out[0].work.pmid == "99000001" and out[0].work.doi == "10.1007/s00586-025-09078-3"
    assert out[0].references[1].pmcid == "PMC9900012"
    counts = server.counts()
    assert all(n <= 4 for n in counts.values()), counts
    assert counts == {"eutils": 2, "crossref": 1, "openalex": 1}
    report = clients.report
    assert report.filled["pmid"] == 6 and report.filled["doi"] == 5 and report.unavailable == {}
    # what the page said is kept: the parsed title, the truncated author list
    chang = out[0].references[1]
    assert chang.title == seed[0].references[1].title and chang.et_al
    assert chang.raw == seed[0].references[1].raw


def test_a_second_run_is_answered_by_the_cache_without_any_request(seed, server, online, tmp_path):
    first, _ = online()
    before = enrich_records(seed, first)
    sent = server.count()
    again, _ = online()
    after = enrich_records(seed, again)
    assert server.count() == sent
    assert after == before
    assert all(h.sent == 0 for h in again.https().values())
    assert sum(h.stats["cached"] for h in again.https().values()) == sent


def test_offline_gives_the_same_answer_from_the_cache(seed, server, online):
    online_clients, _ = online()
    expected = enrich_records(seed, online_clients)
    sent = server.count()
    offline, _ = online(offline=True)
    assert enrich_records(seed, offline) == expected
    assert server.count() == sent


def test_offline_with_an_empty_cache_fills_nothing_and_asks_nothing(seed, server, online, tmp_path):
    offline, _ = online(offline=True, cache_dir=tmp_path / "empty")
    out = enrich_records(seed, offline)
    assert out[0] is seed[0]
    assert server.count() == 0
    assert sum(h.stats["not_cached"] for h in offline.https().values()) >= 3
    assert offline.report.unavailable == {}


def test_records_are_new_objects_and_the_old_ones_are_untouched(seed, server, online):
    clients, _ = online()
    untouched = Record(Work(title="Nothing to find here"), Source("x.txt", "t", index=1))
    out = enrich_records([*seed, untouched], clients)
    assert out[1] is untouched
    assert out[0] is not seed[0] and seed[0].references[0].doi is None


def test_mentions_that_read_alike_are_asked_about_once(seed, server, online):
    clients, _ = online()
    twice = [seed[0], Record(seed[0].work, Source("copy.txt", "pubmed-page", index=1), seed[0].references)]
    out = enrich_records(twice, clients)
    assert ids(out) == EXPECTED and ids(out[1:]) == EXPECTED
    lines = server.requests[0].param("bdata").split("\r")
    assert len(lines) == 5  # five distinct references, each sent once
    assert server.count("crossref") == 1


def test_a_citmatch_pmid_whose_record_contradicts_the_reference_is_refused(server, online):
    clients, _ = online()
    wrong = Work(title="Cardiac arrest in children: a population study", journal="Asian Spine J",
                 year=2020, volume="14", pages="513")
    out = enrich_records([Record(Work(title="A record"), Source("x", "t"), (wrong,))], clients)
    assert out[0].references[0].pmid is None
    assert clients.report.refused["citmatch"] == 1


def test_a_crossref_candidate_that_does_not_agree_is_refused(server, online):
    from citegraph.model import Author

    clients, _ = online()
    ref = Work(title="Treatment and outcomes of metastatic disease of the spine", year=2021,
               authors=(Author("Yahanda AT", "Yahanda", "AT"),), journal="Clin Spine")
    out = enrich_records([Record(Work(title="A record"), Source("x", "t"), (ref,))], clients)
    assert out[0].references[0].doi is None
    assert clients.report.refused["crossref"] == 1


def test_crossref_completes_a_doi_when_openalex_cannot(server, online):
    server.faults.append(Fault("openalex", status=404))
    clients, _ = online()
    out = enrich_records([Record(Work(doi="10.5555/citegraph.registry.2014"), Source("x", "t"))], clients)
    work = out[0].work
    assert work.title == "A national registry of surgery for spinal metastases: design and first results"
    assert work.year == 2014 and work.authors[0].family == "Lindqvist"
    assert server.count("crossref") == 1


def test_when_ncbi_is_unreachable_the_other_services_still_fill(seed, tmp_path, server, vtime):
    from citegraph.online import make_clients, make_session, services_from_env

    dead = FakeServices().start()
    dead_url = dead.env()["CITEGRAPH_EUTILS_URL"]
    dead.stop()
    env = {**server.env(), "CITEGRAPH_EUTILS_URL": dead_url}
    services = services_from_env(env, clock=vtime.clock, sleep=vtime.sleep)
    session = make_session(tmp_path / "cache", services.values(), allowed_hosts={"127.0.0.1"},
                           sleep=vtime.sleep)
    clients = make_clients(session, services)
    out = enrich_records(seed, clients)
    session.close()
    assert list(clients.report.unavailable) == ["NCBI E-utilities"]
    assert "connection refused" in clients.report.unavailable["NCBI E-utilities"]
    yahanda = out[0].references[0]
    assert (yahanda.pmid, yahanda.doi) == EXPECTED["Yahanda"]  # Crossref's DOI, OpenAlex's PMID
    assert out[0].work.pmid == "99000001"
    assert clients.eutils.http.adapter.sent == 2  # tried once, retried once, then left alone
