"""The Crossref JSON reader: the real API answers counted and checked against the files, shapes, breaks."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _shared import fixture_files, shared_file  # noqa: E402

from citegraph.errors import InputError  # noqa: E402
from citegraph.formats import crossref, detect_format, open_input, read_records, sniff_encoding  # noqa: E402
from citegraph.model import Author, Record, Skipped  # noqa: E402
from citegraph.resolve.identifiers import normalize_doi  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
FILES = fixture_files("crossref_json", "*.json")
ONE_WORK = "sckott__habanero__test_works_with_one_id__i0.json"


def fixture(name: str) -> Path:
    return shared_file(f"fixtures/crossref_json/{name}")


def manifest_counts(relative: str) -> tuple[int, int]:
    """(records, references) of a fixture, as ../shared/fixtures/MANIFEST.md states them."""
    text = shared_file("fixtures/MANIFEST.md").read_text(encoding="utf-8")
    m = re.search(rf"^\| `{re.escape(relative)}` \| \d+ \| (\d+) \| (\d+) \|", text, re.M)
    assert m, f"{relative} is not in MANIFEST.md"
    return int(m.group(1)), int(m.group(2))


def records_of(path: Path) -> list[Record]:
    out = list(read_records([str(path)]))
    assert not [x for x in out if isinstance(x, Skipped)], [str(x) for x in out if isinstance(x, Skipped)]
    return out  # type: ignore[return-value]


def file_items(path: Path) -> list[dict]:
    """The works of an API answer, found with a plain json.load (not the reader)."""
    message = json.loads(path.read_text(encoding="utf-8"))["message"]
    return message["items"] if "items" in message else [message]


def flat(text: str) -> str:
    """Markup out, entities decoded, white space collapsed: how the reader gives strings."""
    return " ".join(html.unescape(re.sub(r"<[^<>]+>", "", text)).split())


def title(text: str) -> str:
    """:func:`flat`, without a closing period: how every reader gives titles."""
    text = flat(text)
    return text[:-1].rstrip() if text.endswith(".") and not text.endswith("..") else text


# -- the real fixtures -------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_record_and_reference_counts_match_the_manifest_and_the_file(path):
    records = records_of(path)
    manifest_records, manifest_references = manifest_counts(f"crossref_json/{path.name}")
    items = file_items(path)
    assert len(records) == manifest_records == len(items)
    assert sum(len(r.references) for r in records) == manifest_references == \
        sum(len(i.get("reference", ())) for i in items)
    assert [r.work.doi for r in records] == [normalize_doi(i["DOI"]) for i in items]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_reference_doi_is_kept(path):
    records = records_of(path)
    expected = set()
    for record, item in zip(records, file_items(path)):
        for work, entry in zip(record.references, item.get("reference", ())):
            if "DOI" in entry:
                assert work.doi == normalize_doi(entry["DOI"]), entry
                expected.add(normalize_doi(entry["DOI"]))
    assert expected and expected <= {w.doi for r in records for w in r.references}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_structured_keys_win_over_the_parse_of_the_unstructured_string(path):
    checked = 0
    for record, item in zip(records_of(path), file_items(path)):
        for work, entry in zip(record.references, item.get("reference", ())):
            if "unstructured" in entry:
                assert work.raw == " ".join(entry["unstructured"].split())
            if "article-title" in entry:
                assert work.title == title(entry["article-title"])
            if "journal-title" in entry:
                assert work.journal == flat(entry["journal-title"])
            if "volume" in entry:
                assert work.volume == " ".join(entry["volume"].split())
            if re.match(r"(1[5-9]|20)\d\d", entry.get("year", "")):
                assert work.year == int(entry["year"][:4])
            if "first-page" in entry:  # the parse's range is kept when it starts there
                assert entry["first-page"].strip() in (work.pages, work.pages.split("-")[0])
            if "author" in entry:  # one person ("AF Arnsten") or a group ("R Core Team")
                first = work.authors[0]
                assert (first.family or first.name).lower() in " ".join(entry["author"].split()).lower()
            checked += 1
    assert checked == sum(len(i.get("reference", ())) for i in file_items(path))


def test_a_single_work_reads_every_field():
    record, = records_of(fixture(ONE_WORK))
    work = record.work
    assert work.title == ("Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia "
                          "in the Basal Ganglia of Mice")
    assert work.authors[:2] == (Author("Shankar Sadasivan", "Sadasivan", "Shankar"),
                                Author("Brooks B. Pond", "Pond", "Brooks B."))
    assert work.editors == (Author("Cesario V. Borlongan", "Borlongan", "Cesario V."),)
    assert (work.journal, work.year, work.month, work.volume, work.issue, work.pages) == \
        ("PLoS ONE", 2012, "Mar", "7", "3", "e33693")
    assert (work.doi, work.publication_types, work.publisher) == \
        ("10.1371/journal.pone.0033693", ("journal-article",), "Public Library of Science (PLoS)")
    first = record.references[0]
    assert (first.doi, first.title, first.journal, first.year, first.volume, first.pages) == \
        ("10.1038/sj.npp.1301164", "Stimulants: Therapeutic actions in ADHD", "Neuropsychopharmacology",
         2006, "31", "2376")
    assert first.authors == (Author("AF Arnsten", "Arnsten", "AF"),)
    assert first.raw is None  # no unstructured string: nothing printed to keep


def test_titles_lose_their_markup_and_abstracts_their_jats_tags():
    records = records_of(fixture("sckott__habanero__test_journals_works__i0.json"))
    titles = [r.work.title for r in records]
    assert "Resistance strategies of Phragmites australis (common reed) to Pb pollution in flood and " \
           "drought conditions" in titles
    assert not any("<" in t for t in titles)
    with_abstract = [r.work for r in records_of(fixture("sckott__habanero__test_journals_works__i0.json"))
                     if r.work.abstract]
    assert with_abstract and not any(re.search(r"</?[A-Za-z:]+>", w.abstract) for w in with_abstract)
    assert any("(p < 0.001)" in w.abstract for w in with_abstract)  # "&lt;" decoded, not taken for a tag


def test_an_unstructured_only_reference_is_parsed_and_kept_raw():
    path = fixture("sckott__habanero__test_works_field_queries__i0.json")
    entries = [(w, e) for r, i in zip(records_of(path), file_items(path))
               for w, e in zip(r.references, i.get("reference", ()))
               if set(e) <= {"key", "doi-asserted-by", "DOI", "unstructured"}
               and re.search(r"\((\d{4})\)", e.get("unstructured", ""))]
    assert len(entries) > 20
    for work, entry in entries:
        assert work.raw == " ".join(entry["unstructured"].split())
        if "DOI" in entry:
            assert work.doi == normalize_doi(entry["DOI"])
    # the year of "Name (2019) Title" comes from parse_reference: no key says it
    years = [w.year == int(re.search(r"\((\d{4})\)", e["unstructured"]).group(1)) for w, e in entries]
    assert sum(years) >= 0.9 * len(years)


# -- the shapes a Crossref file takes ----------------------------------------------

@pytest.mark.parametrize("shape", ["list", "message-items", "items", "message-work", "bare-work", "json-lines"])
def test_every_shape_reads_the_same_works(shape, tmp_path):
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))
    if shape in ("message-work", "bare-work"):
        items = items[:1]
    text = {
        "list": lambda: json.dumps(items),
        "message-items": lambda: json.dumps({"status": "ok", "message-type": "work-list",
                                             "message": {"items": items}}),
        "items": lambda: json.dumps({"items": items}),
        "message-work": lambda: json.dumps({"status": "ok", "message-type": "work", "message": items[0]}),
        "bare-work": lambda: json.dumps(items[0], indent=2),
        "json-lines": lambda: "\n".join(json.dumps(i) for i in items) + "\n",
    }[shape]()
    path = tmp_path / f"{shape}.json"
    path.write_text(text, encoding="utf-8")
    records = records_of(path)
    assert [r.work.doi for r in records] == [normalize_doi(i["DOI"]) for i in items]
    assert [len(r.references) for r in records] == [len(i.get("reference", ())) for i in items]
    assert [r.source.index for r in records] == list(range(1, len(items) + 1))


def test_a_file_cut_in_a_work_yields_the_works_before_and_one_skipped(tmp_path):
    items = file_items(fixture("sckott__habanero__test_journals_works__i0.json"))
    whole = json.dumps({"status": "ok", "message-type": "work-list", "message": {"items": items}}, indent=1)
    start = whole.index('"DOI": "%s"' % items[10]["DOI"])
    tenth_doi_line = whole[:whole.index('"DOI": "%s"' % items[9]["DOI"])].count("\n") + 1
    path = tmp_path / "cut.json"
    path.write_text(whole[:start + 10], encoding="utf-8")
    out = list(read_records([str(path)]))
    assert [type(x).__name__ for x in out] == ["Record"] * 10 + ["Skipped"]
    assert [r.work.doi for r in out[:10]] == [normalize_doi(i["DOI"]) for i in items[:10]]
    # the Skipped points at the start of the 11th work: after the 10th, before the cut
    assert out[-1].source.index == 11
    assert tenth_doi_line < out[-1].source.line <= whole[:start].count("\n") + 1
    assert "not valid JSON" in out[-1].reason


def test_a_broken_line_of_json_lines_is_skipped_and_the_others_read(tmp_path):
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))[:3]
    lines = [json.dumps(i) for i in items]
    lines[1] = lines[1][: len(lines[1]) // 2]
    path = tmp_path / "works.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = list(read_records([str(path)], format="crossref-json"))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped", "Record"]
    assert out[1].source.line == 2 and out[2].work.doi == normalize_doi(items[2]["DOI"])


def test_json_broken_before_the_first_work_or_not_about_works_is_unusable():
    with pytest.raises(InputError, match="not valid JSON"):
        list(crossref.parse('{"message-type": "work", "message": {"DOI": "10.1/x", "title": ["T'))
    with pytest.raises(InputError, match="holds no crossref-json works"):
        list(crossref.parse('{"status": "ok", "message-type": "member", "message": {"id": 98}}'))


def test_a_work_that_is_not_an_object_is_skipped():
    out = list(crossref.parse('[{"DOI": "10.9999/a", "title": ["A"]}, 7, {"DOI": "10.9999/b"}]'))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped", "Record"]
    assert out[1].source.index == 2


#: Damage done to the text of the fifth of ten works, in an answer laid out compact (as the API sends
#: it) or indented: each makes the JSON invalid, and none touches another work.
DAMAGE = {
    "a-byte-turned-into-a-control-character": lambda w: w[:len(w) // 2] + "\x01" + w[len(w) // 2 + 1:],
    "its-last-closing-quote-lost": lambda w: w[:w.rindex('"')] + w[w.rindex('"') + 1:],
    "its-closing-brace-lost": lambda w: w[:-1],
    "cut-in-half": lambda w: w[:len(w) // 2],
    "a-stray-bracket-before-it": lambda w: "[" + w,
    "a-stray-closing-bracket-after-it": lambda w: w + "]",
    "junk-after-it": lambda w: w + " junk",
    "a-number-of-5000-digits-in-it": lambda w: w.replace('"DOI"', '"x": %s, "DOI"' % ("9" * 5000), 1),
}


@pytest.mark.parametrize("indent", [None, 1], ids=["compact", "indented"])
@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_work_in_a_list_loses_only_itself(damage, indent):
    """Reading resumes at the next work of the list, and the Skipped names the damaged work and says where."""
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))
    works = [json.dumps(i, indent=indent, separators=(",", ":") if indent is None else None) for i in items]
    works[4] = DAMAGE[damage](works[4])
    text = '{"status":"ok","message-type":"work-list","message":{"items":[' + ",".join(works) + "]}}"
    with pytest.raises(ValueError):
        json.loads(text)
    out = list(crossref.parse(text, "x.json"))
    others = [normalize_doi(i["DOI"]) for n, i in enumerate(items) if n != 4]
    assert [r.work.doi for r in out if isinstance(r, Record) and r.work.doi in others] == others
    skipped = [s for s in out if isinstance(s, Skipped)]
    assert skipped and all(s.reason.startswith("not valid JSON") and s.source.line for s in skipped)
    assert "reading resumes at line" in skipped[0].reason


def test_damage_outside_the_list_of_works_loses_no_work():
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))
    text = json.dumps({"status": "ok", "message-type": "work-list", "message": {"items": items}})
    out = list(crossref.parse(text[:-2] + "x" + text[-2:], "x.json"))
    assert [r.work.doi for r in out] == [normalize_doi(i["DOI"]) for i in items]


def test_values_one_after_another_resume_after_a_broken_one():
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))[:4]
    values = [json.dumps(i, indent=2) for i in items]
    values[1] = values[1][: len(values[1]) // 2]
    out = list(crossref.parse("\n".join(values), "x.json"))
    assert [type(x).__name__ for x in out] == ["Record", "Skipped", "Record", "Record"]
    assert [r.work.doi for r in out if isinstance(r, Record)] == [normalize_doi(items[i]["DOI"]) for i in (0, 2, 3)]
    assert out[1].source.line == values[0].count("\n") + 2


# -- sniffing ------------------------------------------------------------------

def head_of(path: Path) -> str:
    with open_input(str(path)) as stream:
        data = stream.read(64 * 1024)
    return data.decode(sniff_encoding(data), errors="replace")


OTHERS = [p for folder in ("pubmed_xml", "pmc_jats", "medline", "ris_bibtex", "wos_scopus",
                           "reference_strings", "pubmed_page/legacy_html", "pubmed_page/legacy_text")
          for p in fixture_files(folder)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sniff_accepts_crossref_and_detection_picks_it(path):
    assert crossref.sniff(head_of(path))
    assert detect_format(head_of(path)).NAME == "crossref-json"


@pytest.mark.parametrize("path", OTHERS + sorted(DATA.glob("*")), ids=lambda p: p.name)
def test_sniff_rejects_other_formats(path):
    assert not crossref.sniff(head_of(path))


# -- what every reader must take: empty input, CRLF, a BOM, UTF-16 --------------------

@pytest.mark.parametrize("variant", ["crlf", "utf-8-bom", "utf-16", "pretty-values-one-after-another"])
def test_line_ends_encodings_and_concatenated_values_change_nothing(variant, tmp_path):
    items = file_items(fixture("sckott__habanero__test_random_dois__i0.json"))[:4]
    text = json.dumps({"message-type": "work-list", "message": {"items": items}}, indent=2, ensure_ascii=False)
    data = {
        "crlf": lambda: text.replace("\n", "\r\n").encode("utf-8"),
        "utf-8-bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf-16": lambda: text.encode("utf-16"),
        "pretty-values-one-after-another": lambda: "\n".join(json.dumps(i, indent=2) for i in items).encode(),
    }[variant]()
    path = tmp_path / f"{variant}.json"
    path.write_bytes(data)
    got = list(read_records([str(path)]))
    assert [r.work.doi for r in got] == [normalize_doi(i["DOI"]) for i in items]
    assert all(isinstance(r, Record) for r in got)
    assert detect_format(head_of(path)).NAME == "crossref-json"


def test_empty_input_is_unusable():
    with pytest.raises(InputError):
        list(crossref.parse(""))
