"""The OpenAlex JSON reader, on an API-shaped file of invented works: fields, shapes, breaks, sniffing."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import fixture_files, shared_file  # noqa: E402

from citegraph.errors import InputError  # noqa: E402
from citegraph.formats import crossref, detect_format, open_input, openalex, read_records, sniff_encoding  # noqa: E402
from citegraph.model import Author, Record, Skipped, Source, Work  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
WORKS = DATA / "json-openalex-works.json"


def records_of(path: Path, **options) -> list[Record]:
    out = list(read_records([str(path)], **options))
    assert not [x for x in out if isinstance(x, Skipped)], [str(x) for x in out if isinstance(x, Skipped)]
    return out  # type: ignore[return-value]


def file_works() -> list[dict]:
    return json.loads(WORKS.read_text(encoding="utf-8"))["results"]


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return records_of(WORKS)


def test_counts_and_referenced_works_match_the_file(records):
    works = file_works()
    assert len(records) == len(works) == 3
    assert [len(r.references) for r in records] == [len(w["referenced_works"]) for w in works] == [4, 0, 2]
    # a referenced work is known by its OpenAlex id only: it is in url, and nothing else is set
    assert [[ref.url for ref in r.references] for r in records] == [w["referenced_works"] for w in works]
    assert all(ref == Work(url=ref.url) for r in records for ref in r.references)
    assert [r.source for r in records] == [Source(str(WORKS), "openalex-json", index=i) for i in (1, 2, 3)]


def test_a_full_work_reads_every_field(records):
    work = records[0].work
    assert work.title == "Endoscopic decompression of invented spinal metastases"
    assert work.authors == (Author("Marta Kowalska", "Kowalska", "Marta"), Author("Jonas Berg", "Berg", "Jonas"))
    assert (work.year, work.month, work.journal, work.volume, work.issue, work.pages) == \
        (2026, "Mar", "Spine Journal of Invented Results", "26", "3", "411-420")
    assert (work.doi, work.pmid, work.pmcid, work.url) == \
        ("10.9999/citegraph.openalex.0001", "99000301", "PMC9900301", "https://openalex.org/W4390000001")
    assert work.abstract == "This invented record exists only to test invented software."
    assert work.keywords == ("Endoscopy", "Spinal metastases")
    assert (work.publication_types, work.publisher) == (("article",), "Invented Press")


def test_the_older_host_venue_and_a_pmcid_url_with_its_prefix(records):
    work = records[1].work
    assert (work.journal, work.publisher, work.pmcid, work.pmid, work.pages, work.month) == \
        ("Invented Letters", "Invented Society", "PMC9900302", None, "e1001", "Nov")
    assert work.authors == (Author("Ana García", "García", "Ana"),) and work.abstract is None


def test_a_work_known_by_its_display_name_only(records):
    work = records[2].work
    assert (work.title, work.doi, work.year, work.month, work.journal) == \
        ("A work known by its display name only", None, 2024, None, None)


@pytest.mark.parametrize("shape", ["list", "one-work", "json-lines-snapshot", "gzip-json-lines"])
def test_every_shape_reads_the_same_works(shape, tmp_path):
    works = file_works()
    if shape == "one-work":
        works = works[:1]
    text = json.dumps(works) if shape in ("list", "one-work") else "\n".join(json.dumps(w) for w in works)
    if shape == "one-work":
        text = json.dumps(works[0], indent=2)
    path = tmp_path / f"{shape}.json"
    if shape == "gzip-json-lines":
        path = tmp_path / "part_000.gz"  # how the OpenAlex snapshot ships
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    got = records_of(path)
    assert [r.work.url for r in got] == [w["id"] for w in works]
    assert [len(r.references) for r in got] == [len(w["referenced_works"]) for w in works]
    if shape.endswith("json-lines") or shape == "json-lines-snapshot":
        assert [r.source.line for r in got] == [1, 2, 3]


def test_a_results_list_cut_in_a_work_yields_the_works_before_and_one_skipped(tmp_path):
    text = WORKS.read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: text.index('"An older work')], encoding="utf-8")
    out = list(read_records([str(cut)]))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped"]
    assert out[0].work.url == "https://openalex.org/W4390000001" and len(out[0].references) == 4
    assert out[1].source.index == 2 and "not valid JSON" in out[1].reason
    # the Skipped names the line where the second work starts
    assert out[1].source.line == text[: text.index('"id": "https://openalex.org/W4390000002"')].count("\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_json_lines_with_a_broken_first_line_keep_the_others(newline):
    lines = [json.dumps(w, ensure_ascii=False) for w in file_works()]
    lines[0] = "\x00" + lines[0]
    out = list(openalex.parse(newline.join(lines) + newline, "x.jsonl"))
    assert [(type(x).__name__, x.source.line) for x in out] == [("Skipped", 1), ("Record", 2), ("Record", 3)]
    assert [r.work.url for r in out[1:]] == [w["id"] for w in file_works()[1:]]


def test_a_stray_bracket_in_a_results_list_loses_no_work():
    text = WORKS.read_text(encoding="utf-8")
    second = text.index('{\n      "id": "https://openalex.org/W4390000002"')
    out = list(openalex.parse(text[:second] + "[" + text[second:], "x.json"))
    assert [r.work.url for r in out if isinstance(r, Record)] == [w["id"] for w in file_works()]
    assert [x.source.line for x in out if isinstance(x, Skipped)] == [text[:second].count("\n") + 1]


def test_a_splice_ending_after_a_key_loses_no_work_after_it():
    # a fuzz case (seed 2026, case 42723): 2 KB of the file spliced in before the third work,
    # starting mid-string and ending in '"host_venue": {"id":', so that the third work, whole,
    # stands after a key; the value of a key is no work of the list, but when no other work
    # can be found after the damage, it is taken rather than lose the rest
    data = WORKS.read_bytes()
    third = data.index(b'{\n      "id": "https://openalex.org/W4390000003"')
    at = third - 3  # in the indentation before the third work
    spliced = data[:at] + data[2085:2085 + 2042] + data[at:]
    assert spliced[at + 2042 - 22:at + 2042].strip() == b'"host_venue": {"id":'
    out = list(openalex.parse(spliced.decode("utf-8"), "spliced.json"))
    urls = [r.work.url for r in out if isinstance(r, Record)]
    assert urls[:2] == [w["id"] for w in file_works()[:2]] and urls[-1] == file_works()[2]["id"]
    assert any(isinstance(x, Skipped) for x in out)


def test_json_broken_before_the_first_work_is_unusable():
    with pytest.raises(InputError, match="not valid JSON"):
        list(openalex.parse('{"id": "https://openalex.org/W1", "title": "Cut'))


def test_ids_in_every_form_openalex_has_written_them():
    text = json.dumps({"id": "W77", "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/0", "doi": "10.9999/X"},
                       "display_name": "Short ids", "referenced_works": ["W78", "https://openalex.org/works/w79",
                                                                          "not an id"]})
    record, = openalex.parse(text)
    assert (record.work.url, record.work.pmid, record.work.doi) == ("https://openalex.org/W77", None, "10.9999/x")
    assert [r.url for r in record.references] == ["https://openalex.org/W78", "https://openalex.org/W79"]


# -- sniffing ------------------------------------------------------------------

def head_of(path: Path) -> str:
    with open_input(str(path)) as stream:
        data = stream.read(64 * 1024)
    return data.decode(sniff_encoding(data), errors="replace")


OTHERS = [p for folder in ("pubmed_xml", "pmc_jats", "crossref_json", "medline", "ris_bibtex", "wos_scopus",
                           "reference_strings", "pubmed_page/legacy_html", "pubmed_page/legacy_text")
          for p in fixture_files(folder)]


def test_sniff_accepts_openalex_and_detection_picks_it():
    assert openalex.sniff(head_of(WORKS))
    assert not crossref.sniff(head_of(WORKS))
    assert detect_format(head_of(WORKS)).NAME == "openalex-json"


@pytest.mark.parametrize("path", OTHERS + [p for p in sorted(DATA.glob("*")) if "openalex" not in p.name],
                         ids=lambda p: p.name)
def test_sniff_rejects_other_formats(path):
    assert not openalex.sniff(head_of(path))


def test_sniff_rejects_the_pubmed_page_seed_and_an_html_page():
    assert not openalex.sniff(head_of(shared_file("seed/pubmed-page-eur-spine-j-2025.txt")))
    assert not openalex.sniff('<html><a href="https://openalex.org/W123">"authorships": </a></html>')


# -- what every reader must take: empty input, CRLF, a BOM ------------------------

def test_empty_input_is_unusable():
    with pytest.raises(InputError):
        list(openalex.parse("  \n"))
