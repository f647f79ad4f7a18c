"""The three clients against the local server: what they ask, how they batch, what they read."""

from __future__ import annotations

import json

import pytest
from _shared import shared_file
from fake_services import FakeServices, World, generated_world

from citegraph.model import Author, Work
from citegraph.online.crossref import DOI_BATCH, query_text
from citegraph.online.eutils import CITED_IN, FETCH_BATCH, LINK_BATCH, REFS, citation_line
from citegraph.online.openalex import BATCH


@pytest.fixture
def big_world():
    return generated_world(600, 5, seed=3)


@pytest.fixture
def big_server(big_world):
    with FakeServices(big_world) as services:
        yield services


@pytest.fixture
def big_online(big_server, tmp_path, vtime):
    from citegraph.online import make_clients, make_session, services_from_env

    services = services_from_env(big_server.env(), clock=vtime.clock, sleep=vtime.sleep)
    session = make_session(tmp_path / "cache", services.values(), allowed_hosts={"127.0.0.1"})
    yield make_clients(session, services)
    session.close()


# -- NCBI ----------------------------------------------------------------------------

def test_citmatch_sends_one_line_per_citation_and_reads_the_pmids(server, online):
    clients, _ = online()
    chang = Work(journal="Asian Spine J", year=2020, volume="14", pages="513",
                 authors=(Author("Chang SY", "Chang", "SY"),))
    yahanda = Work(journal="Annals Translational Med", year=2019, volume="7", issue="10",
                   authors=(Author("Yahanda AT", "Yahanda", "AT"),))
    found = clients.eutils.citmatch([("a", chang), ("b", yahanda), ("c", Work(title="no journal"))])
    assert found == {"a": "99000012"}  # the journal as the page spells it is not PubMed's
    assert server.count("eutils", "ecitmatch.cgi") == 1
    bdata = server.requests[-1].param("bdata").split("\r")
    assert bdata == [citation_line(chang, "a"), citation_line(yahanda, "b")]
    assert server.requests[-1].param("retmode") == "xml" and server.requests[-1].param("db") == "pubmed"


def test_efetch_is_batched_200_ids_a_request(big_world, big_server, big_online):
    pmids = [w.pmid for w in big_world.works if w.pmid][:450]
    works = big_online.eutils.fetch(pmids)
    assert len(works) == 450
    assert big_server.count("eutils", "efetch.fcgi") == 3 == -(-450 // FETCH_BATCH)
    sizes = [len(r.param("id").split(",")) for r in big_server.requests]
    assert sizes == [200, 200, 50]
    some = big_world.by_pmid[pmids[0]]
    assert works[pmids[0]].doi == some.doi and works[pmids[0]].year == some.year


def test_elink_sends_one_id_parameter_per_work_and_keeps_them_apart(big_world, big_server, big_online):
    pmids = [w.pmid for w in big_world.works if w.pmid][:250]
    refs = big_online.eutils.links(pmids, REFS)
    assert big_server.count("eutils", "elink.fcgi") == -(-250 // LINK_BATCH) == 3
    assert [len(r.query["id"]) for r in big_server.requests] == [100, 100, 50]
    work = big_world.by_pmid[pmids[7]]
    assert refs[pmids[7]] == [r.pmid for r in big_world.references(work) if r.pmid]


def test_elink_citedin(server, online):
    clients, _ = online()
    assert clients.eutils.links(["99000001", "99000042", "12345"], CITED_IN) == {
        "99000001": ["99000041", "99000042"]}


def test_efetch_reads_a_real_pubmed_answer(server, online):
    path = shared_file("fixtures/pubmed_xml/shapiromatron__hawc__TestPubMedFetch.test_multiquery__i0.xml")
    server.canned["/eutils/efetch.fcgi"] = ("text/xml", path.read_bytes())
    clients, _ = online()
    works = clients.eutils.fetch(["19008416", "18927361", "18787170"])
    assert sorted(works) == ["18787170", "18927361", "19008416"]
    assert works["18787170"].doi == "10.1126/science.1162981"
    assert works["18787170"].pmcid == "PMC2849753"
    assert works["19008416"].journal == "Science" and works["19008416"].year == 2008


# -- Crossref ------------------------------------------------------------------------------

def test_crossref_search_accepts_the_candidate_that_agrees(server, online):
    clients, _ = online()
    reference = Work(raw="Yahanda AT, Buchowski JM, Wegner AM (2019) Treatment, complications, and outcomes "
                         "of metastatic disease of the spine: from Patchell to PROMIS. Annals Translational Med. 7(10)",
                     title="Treatment, complications, and outcomes of metastatic disease of the spine: from "
                           "Patchell to PROMIS", year=2019, authors=(Author("Yahanda AT", "Yahanda", "AT"),))
    hit, verdict = clients.crossref.search(reference)
    assert hit.doi == "10.5555/citegraph.atm.2019.04.83" and verdict.accepted
    request = server.requests[-1]
    assert request.param("query.bibliographic").startswith("Yahanda AT, Buchowski JM")
    assert request.param("rows") == "5" and "DOI" in request.param("select")


def test_crossref_search_refuses_a_top_scored_candidate_that_disagrees(server, online):
    clients, _ = online()
    # the decoy shares the first author and most title words, but not the year or the title
    reference = Work(title="Treatment and outcomes of metastatic disease of the spine: ten years on",
                     year=2021, authors=(Author("Yahanda AT", "Yahanda", "AT"),))
    hit, verdict = clients.crossref.search(reference)
    assert hit is None and not verdict.accepted


def test_crossref_search_in_a_real_answer_skips_better_scored_works(server, online):
    path = shared_file("fixtures/crossref_json/sckott__habanero__test_works_field_queries__i0.json")
    server.canned["/crossref/works"] = ("application/json", path.read_bytes())
    clients, _ = online()
    reference = Work(title="Early warning signals: the charted and uncharted territories", year=2013,
                     authors=(Author("Boettiger C", "Boettiger", "C"),), journal="Theor Ecol", volume="6",
                     pages="255-264")
    first = clients.crossref.candidates(reference)[0]
    assert first.doi != "10.1007/s12080-013-0192-6"  # Crossref ranks another work first
    hit, verdict = clients.crossref.search(reference, rows=20)
    assert hit.doi == "10.1007/s12080-013-0192-6" and verdict.accepted
    wrong_year = reference.replace(year=2019)
    assert clients.crossref.search(wrong_year, rows=20)[0] is None


def test_crossref_metadata_for_dois_in_batches(big_world, big_server, big_online):
    dois = [w.doi for w in big_world.works][:120]
    works = big_online.crossref.by_dois(dois + ["10.5555/unknown"])
    assert len(works) == 120
    assert big_server.count("crossref") == -(-121 // DOI_BATCH) == 3
    first = big_server.requests[0].param("filter").split(",")
    assert len(first) == DOI_BATCH and first[0] == f"doi:{dois[0]}"
    assert works[dois[5]].title == big_world.by_doi[dois[5]].title


def test_crossref_reads_a_real_work_list_by_doi(server, online):
    path = shared_file("fixtures/crossref_json/sckott__habanero__test_random_dois__i0.json")
    server.canned["/crossref/works"] = ("application/json", path.read_bytes())
    dois = [item["DOI"] for item in json.loads(path.read_text())["message"]["items"]]
    clients, _ = online()
    works = clients.crossref.by_dois(dois)
    assert set(works) == {d.lower() for d in dois}
    assert works["10.1246/bcsj.36.278"].year == 1963
    assert all(w.title for w in works.values())


def test_the_query_is_the_reference_as_written_without_link_labels():
    work = Work(raw="Chang SY, Mok S, Park SC et al (2020) Treatment strategy for metastatic spinal tumors: "
                    "a narrative review. Asian Spine J 14(4):513 - PubMed - PMC")
    assert query_text(work).endswith("Asian Spine J 14(4):513")


# -- OpenAlex --------------------------------------------------------------------------------

def test_openalex_works_by_doi_in_batches_of_50_or_ed_with_a_pipe(big_world, big_server, big_online):
    dois = [w.doi for w in big_world.works][:130]
    records = big_online.openalex.by_dois(dois)
    assert len(records) == 130
    assert big_server.count("openalex") == 3 == -(-130 // BATCH)
    filters = [r.param("filter") for r in big_server.requests]
    assert filters[0].startswith("doi:") and filters[0].count("|") == BATCH - 1
    work = big_world.by_doi[dois[3]]
    record = records[dois[3]]
    assert record.work.pmid == work.pmid and record.work.url == f"https://openalex.org/{work.openalex}"
    assert [r.url.rsplit("/", 1)[1] for r in record.references] == [r.openalex for r in big_world.references(work)]


def test_openalex_by_id_and_citing_with_pages(big_world, big_server, big_online):
    target = max(big_world.works, key=lambda w: len(big_world.citing(w)))
    records = big_online.openalex.by_ids([target.openalex, "W1"])
    assert list(records) == [target.openalex]
    citing = big_online.openalex.citing([target.openalex])
    assert sorted(r.work.doi for r in citing[target.openalex]) == sorted(
        w.doi for w in big_world.citing(target))
    few = big_online.openalex.citing([target.openalex], limit=2)
    assert len(few[target.openalex]) == 2


def test_openalex_citing_follows_the_cursor(server, online, monkeypatch):
    import citegraph.online.openalex as module

    monkeypatch.setattr(module, "PAGE", 1)
    clients, _ = online()
    citing = clients.openalex.citing(["W9900000001"])
    assert sorted(r.work.pmid for r in citing["W9900000001"]) == ["99000041", "99000042"]
    cursors = [r.param("cursor") for r in server.requests]
    assert cursors[0] == "*" and len(cursors) == 2


def test_openalex_sends_mailto_and_the_key(server, online):
    clients, _ = online(env={"CITEGRAPH_EMAIL": "me@example.org", "OPENALEX_API_KEY": "oa"})
    clients.openalex.by_dois(["10.5555/citegraph.asj.2020.0379"])
    request = server.requests[-1]
    assert request.param("mailto") == "me@example.org" and request.param("api_key") == "oa"
    assert request.param("filter") == "doi:10.5555/citegraph.asj.2020.0379"


def test_world_fixture_is_the_seed(world: World):
    assert [w.key for w in world.references(world.by_key["seed"])] == [
        "yahanda", "chang", "muller", "schoenfeld", "choi"]
