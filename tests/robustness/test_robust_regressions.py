"""The smallest inputs that broke a reader when the fuzzer found them, one test each.

Each was found by ``bench/fuzz.py`` or the property tests of this folder, then
cut down by hand or by ``fuzzing.minimize``.  Every test states what the
reader must do, so that the fault cannot come back unseen.
"""

from __future__ import annotations

import io
import time

import pytest

from citegraph.errors import InputError
from citegraph.formats import bibtex, crossref, medline, openalex, pubmed_page, pubmed_xml, scopus, wos
from citegraph.model import Record, Skipped
from citegraph.references import parse_reference



def records(items) -> list[Record]:
    return [i for i in items if isinstance(i, Record)]


def test_json_a_number_too_long_for_int_is_bad_json_not_a_crash():
    """json raises ValueError, not JSONDecodeError, past 4300 digits."""
    with pytest.raises(InputError, match="x.json"):
        list(openalex.parse("9" * 5000, "x.json"))
    lines = '{"id": "https://openalex.org/W1", "title": "A"}\n' + "9" * 5000 + "\n" + \
            '{"id": "https://openalex.org/W2", "title": "B"}\n'
    items = list(openalex.parse(lines, "x.jsonl"))
    assert [r.work.title for r in records(items)] == ["A", "B"]
    assert [i.source.line for i in items if isinstance(i, Skipped)] == [2]


def test_json_nested_too_deep_is_bad_json_not_a_crash():
    """json raises RecursionError on arrays nested 100,000 deep."""
    with pytest.raises(InputError, match="deep.json"):
        list(crossref.parse("[" * 100_000, "deep.json"))


def test_json_lines_whose_first_line_is_broken_keep_their_other_lines():
    text = ('\x00{"id": "https://openalex.org/W1", "title": "A"}\n'
            '{"id": "https://openalex.org/W2", "title": "B"}\n'
            '{"id": "https://openalex.org/W3", "title": "C"}\n')
    items = list(openalex.parse(text, "x.jsonl"))
    assert [r.work.title for r in records(items)] == ["B", "C"]
    assert [(i.source.line, type(i).__name__) for i in items][0] == (1, "Skipped")


def test_json_works_after_a_stray_closing_bracket_are_reported_not_dropped_silently():
    text = ('{"message-type": "work-list", "message": {"items": [{"DOI": "10.1/a", "title": ["A"]}] ,'
            '{"DOI": "10.1/b", "title": ["B"]}]}}')
    items = list(crossref.parse(text, "x.json"))
    assert [r.work.title for r in records(items)] == ["A", "B"]  # reading resumes at the next work
    assert any(isinstance(i, Skipped) for i in items), "the work after the break is lost without a word"


def test_json_works_read_as_values_of_a_work_that_lost_its_closing_brackets_are_read():
    """bench/fuzz.py seed 7, case 15686: six bytes deleted at the end of a work's "published" date
    ("[[1989,3,14]]}}," lost "14]]}}").  The json module then reads every work after it as a value
    in that date's array, and breaks at the ':' after "items-per-page", past the list: reading
    looked for the next work from that string on, found none, and every work in between was lost
    ("the file is read up to here, not further")."""
    works = [f'{{"DOI": "10.1/{c}", "title": ["{c.upper()}"], "published": {{"date-parts": [[1989, 3, 14]]}}}}'
             for c in "abcdef"]
    text = '{"message-type": "work-list", "message": {"items": [' + ", ".join(works) + '], "items-per-page": 6}}'
    damaged = text.replace('"title": ["B"], "published": {"date-parts": [[1989, 3, 14]]}}, ',
                           '"title": ["B"], "published": {"date-parts": [[1989, 3, ')
    assert damaged != text
    items = list(crossref.parse(damaged, "x.json"))
    assert [r.work.title for r in records(items)] == ["A", "C", "D", "E", "F"]
    [skipped] = [i for i in items if isinstance(i, Skipped)]
    assert skipped.source.index == 2 and "reading resumes" in skipped.reason


def test_json_a_lone_surrogate_escape_never_reaches_a_record():
    """JSON allows "\\ud800"; no file can hold it: the exporters failed on it with a traceback."""
    text = ('{"message-type": "work", "message": {"DOI": "10.1/x", "title": ["A \\ud800 b \\ud83d\\ude00"],'
            '"reference": [{"key": "r1", "unstructured": "Smith J. A study \\udfff. Nature. 2001;1:2."}]}}')
    [record] = list(crossref.parse(text, "x.json"))
    assert isinstance(record, Record), record  # the work was skipped whole when its reference failed
    assert record.work.title == "A \ufffd b \U0001f600"
    record.work.title.encode("utf-8")
    assert record.references[0].raw.encode("utf-8")


def test_parse_reference_takes_a_lone_surrogate():
    assert parse_reference("x\ud800").raw is not None


def test_pubmed_page_a_long_line_of_brackets_is_read_in_linear_time():
    page = "Lancet. 2005 Aug;366(9486):643-8.\n\nDirect decompressive surgical resection.\n\n" + "[" * 30_000 + "\n"
    started = time.process_time()
    [record] = list(pubmed_page.parse(page, "x.txt"))
    assert time.process_time() - started < 1.0
    assert record.work.journal == "Lancet"


def test_medline_a_junk_line_before_a_record_does_not_swallow_it():
    text = "x\nPG  -\nPMID- 1\nTI  - A title.\n\nPMID- 2\nTI  - Another.\n"
    items = list(medline.parse(text, "x.txt"))
    assert [r.work.pmid for r in records(items)] == ["1", "2"]
    assert isinstance(items[0], Skipped) and items[0].source.line == 1


def test_scopus_a_stray_quote_does_not_swallow_the_next_row():
    text = 'Title,Authors,Source title\n"A broken title,Doe J.,J One\nA good title,Roe R.,J Two\n'
    items = list(scopus.parse(text, "x.csv"))
    assert [r.work.title for r in records(items)] == ["A good title"]
    assert [i.source.line for i in items] == [2, 3]


def test_bibtex_an_entry_whose_key_repeats_is_read_like_the_others():
    text = ("@article{k, title={Caf{\\'e} au lait}, author={Doe, John and M{\\\"u}ller, Anna}, year=2001}\n"
            "@article{k, title={Caf{\\'e} au lait}, author={Doe, John and M{\\\"u}ller, Anna}, year=2001}\n")
    first, second = records(bibtex.parse(text, "x.bib"))
    assert second.work.title == first.work.title == "Café au lait"
    assert [a.family for a in second.work.authors] == ["Doe", "Müller"]


def test_one_stray_cp1252_byte_does_not_turn_the_file_into_mojibake():
    text = (b"PMID- 1\nTI  - A \x96 dash pasted from Word.\n\n"
            b"PMID- 2\nTI  - Caf\xc3\xa9 au lait.\nFAU - M\xc3\xbcller, Anna\nAU  - M\xc3\xbcller A\n")
    first, second = records(medline.read(io.BytesIO(text), "x.txt"))
    assert first.work.title == "A – dash pasted from Word"
    assert second.work.title == "Café au lait" and second.work.authors[0].family == "Müller"


def test_a_stray_byte_at_the_top_and_utf8_further_down():
    """A head with no UTF-8 letter in it is no proof of cp1252 (and the head sniffed was 8 KiB, not 64)."""
    filler = b"".join(b"PMID- %d\nTI  - Record %d.\n\n" % (i, i) for i in range(1, 400))
    text = b"PMID- 900\nTI  - A \x96 dash.\n\n" + filler + b"PMID- 901\nTI  - Caf\xc3\xa9.\n"
    assert records(medline.read(io.BytesIO(text), "x.txt"))[-1].work.title == "Café"


def test_xml_in_cp1252_that_says_nothing_of_its_encoding_is_read():
    xml = (b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>'
           b"<ArticleTitle>Caf\xe9 \x96 M\xfcller</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
           b"</PubmedArticleSet>")
    [record] = list(pubmed_xml.read(io.BytesIO(xml), "x.xml"))
    assert record.work.title == "Café – Müller"


@pytest.mark.parametrize("read, text, titles", [
    (medline.parse, "PMID- 9000000\u00b3\nTI  - A title.\n\nPMID- 2\nTI  - Next.\n", ["A title", "Next"]),
    (wos.parse, "FN Clarivate\nVR 1.0\nPT J\nTI A title\nCR X, 2001, J, V1, P2\nNR 1\u00b3\nER\n\nPT J\nTI Next\nER\n\nEF\n",
     ["A title", "Next"]),
    (pubmed_xml.parse, "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><Journal><JournalIssue>"
                       "<PubDate><Year>2001</Year><Month>\u00b2</Month></PubDate></JournalIssue></Journal>"
                       "<ArticleTitle>A</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>",
     ["A"]),
    (openalex.parse, '{"results": [{"id": "https://openalex.org/W1", "title": "A", "publication_year": "19\u00b20"},'
                     ' {"id": "https://openalex.org/W2", "title": "B"}]}', ["A", "B"]),
    (pubmed_page.parse, '<html><head><title>X - PubMed</title><meta name="citation_pmid" content="1\u00b2"></head>'
                        "<body><p>Lancet. 2005 Aug;366(9486):643-8.</p><h1>A title.</h1></body></html>", ["A title"]),
], ids=["medline-pmid", "wos-nr", "pubmed-xml-month", "openalex-year", "pubmed-page-meta-pmid"])
def test_a_superscript_digit_is_no_number(read, text, titles):
    """"³".isdigit() is true, int("³") raises: a flipped byte made a PMID "9000000³" and stopped the reader."""
    assert [r.work.title for r in records(read(text, "x"))] == titles


def test_json_lines_break_at_line_feeds_only():
    """A JSON string may hold U+2028 as it is; str.splitlines() cut that line in two, and with another
    line broken the file was then read as one document, up to the break only."""
    text = ('{"id": "https://openalex.org/W1", "title": "A\u2028B"}\n' '{"id": "https://openalex.org/W2", "ti\n'
            '{"id": "https://openalex.org/W3", "title": "C"}\n')
    items = list(openalex.parse(text, "x.jsonl"))
    assert [r.work.title for r in records(items)] == ["A B", "C"]
    assert [i.source.line for i in items if isinstance(i, Skipped)] == [2]
