"""Growth: rounds of references and citing works, bounded, batched, cached."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_services import Fault, FakeServices, World, generated_world

from citegraph.formats import read_records
from citegraph.graph import build_graph
from citegraph.model import Record
from citegraph.online import ONLINE_FORMAT, enrich_records, grow
from citegraph.resolve import resolve_records

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "examples" / "pubmed-page-eur-spine-j-2025.txt"


@pytest.fixture(scope="module")
def seed() -> list[Record]:
    return [r for r in read_records([str(SEED)]) if isinstance(r, Record)]


def graph_of(records):
    return build_graph(resolve_records(records), name="test")


def pmid_edges(graph):
    """Citing -> cited, as PMIDs (DOIs for works outside PubMed)."""
    def name(node):
        attrs = graph.nodes[node]
        return attrs.get("pmid") or attrs.get("doi")
    return {(name(a), name(b)) for a, b in graph.edges}


def snowball(seed, clients, **options):
    return grow(enrich_records(seed, clients), clients, **options)


def test_depth_0_changes_nothing_and_asks_nothing(seed, server, online):
    clients, _ = online()
    assert grow(seed, clients, depth=0) == seed
    assert server.count() == 0


def test_depth_1_adds_the_references_of_the_references(seed, server, online, world: World):
    clients, _ = online()
    records = snowball(seed, clients, depth=1)
    graph = graph_of(records)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (12, 13)
    edges = pmid_edges(graph)
    assert ("99000012", "99000011") in edges  # Chang cites Yahanda: both already there, linked
    assert ("99000014", "10.5555/citegraph.registry.2014") in edges  # found through OpenAlex
    grown = [r for r in records if r.source.format == ONLINE_FORMAT]
    assert len(grown) == 5 and all(r.references for r in grown)
    assert clients.report.added == 6 and clients.report.rounds == 1 and not clients.report.capped
    assert server.count("eutils", "elink.fcgi") == 1  # the five references in one request
    assert server.count("eutils", "efetch.fcgi") == 2  # enrichment, then the five new PubMed works


def test_depth_2_adds_a_second_round(seed, server, online):
    clients, _ = online()
    graph = graph_of(snowball(seed, clients, depth=2))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (16, 19)
    edges = pmid_edges(graph)
    assert ("99000022", "99000031") in edges and ("99000022", "99000032") in edges
    assert ("99000024", "99000012") in edges  # Fisher cites Chang, who is not added twice
    assert ("10.5555/citegraph.registry.2014", "10.5555/citegraph.book.1949") in edges
    assert clients.report.rounds == 2 and clients.report.added == 10


def test_citedby_follows_the_works_citing_the_record(seed, server, online):
    clients, _ = online()
    records = snowball(seed, clients, depth=1, direction="citedby")
    assert sorted(w.pmid for w in records[0].cited_by) == ["99000041", "99000042"]
    graph = graph_of(records)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (8, 7)
    assert ("99000041", "99000001") in pmid_edges(graph)

    clients, _ = online()
    graph = graph_of(snowball(seed, clients, depth=2, direction="citedby"))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (9, 8)
    assert ("99000051", "99000041") in pmid_edges(graph)


def test_both_directions(seed, server, online):
    clients, _ = online()
    graph = graph_of(snowball(seed, clients, depth=1, direction="both"))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (14, 15)


def test_max_nodes_bounds_the_graph(seed, server, online):
    clients, _ = online()
    records = snowball(seed, clients, depth=2, max_nodes=9)
    graph = graph_of(records)
    assert graph.number_of_nodes() == 9
    assert clients.report.capped
    # links among the works kept are kept: Chang -> Yahanda
    assert ("99000012", "99000011") in pmid_edges(graph)


def test_progress_is_reported(seed, server, online):
    clients, _ = online()
    seen = []
    snowball(seed, clients, depth=2, progress=seen.append)
    assert seen[0].round == 1 and seen[-1].stage == "done" and seen[-1].nodes == 16
    assert [s.nodes for s in seen] == sorted(s.nodes for s in seen)
    assert all(s.max_nodes == 1000 and s.depth == 2 for s in seen)


def test_a_second_growth_is_answered_by_the_cache(seed, server, online):
    first, _ = online()
    before = snowball(seed, first, depth=2, direction="both")
    sent = server.count()
    again, _ = online()
    after = snowball(seed, again, depth=2, direction="both")
    assert server.count() == sent
    assert after == before


def test_growth_goes_on_without_a_service_that_fails(seed, server, online):
    server.faults.append(Fault("openalex", status=503, times=100))
    clients, _ = online()
    records = snowball(seed, clients, depth=1)
    assert list(clients.report.unavailable) == ["OpenAlex"]
    graph = graph_of(records)
    # PubMed still gave the references it knows; the OpenAlex-only one is missing
    assert ("99000012", "99000011") in pmid_edges(graph)
    assert not any("registry" in (graph.nodes[n].get("doi") or "") for n in graph)


def test_growth_is_batched(tmp_path, vtime):
    from citegraph.online import make_clients, make_session, services_from_env

    world = generated_world(900, 30, base=World.load(), fan_out=60, seed=5)
    with FakeServices(world) as server:
        services = services_from_env(server.env(), clock=vtime.clock, sleep=vtime.sleep)
        session = make_session(tmp_path, services.values(), allowed_hosts={"127.0.0.1"})
        clients = make_clients(session, services)
        records = [r for r in read_records([str(SEED)]) if isinstance(r, Record)]
        grown = grow(enrich_records(records, clients), clients, depth=2, max_nodes=700)
        session.close()
        graph = graph_of(grown)
        assert graph.number_of_nodes() == 700 and clients.report.capped
        efetch = [r for r in server.requests if r.path.endswith("efetch.fcgi")]
        assert max(len(r.param("id").split(",")) for r in efetch) == 200
        # each EFetch after the first asks for up to 200 new works: no work asked twice
        asked = [i for r in efetch[1:] for i in r.param("id").split(",")]
        assert len(asked) == len(set(asked))
        assert len(efetch) <= 2 + -(-len(asked) // 200)
        assert server.count("eutils") <= 12, server.counts()
