"""PMC articles in JATS XML (the NLM DTD 2.x and 3.x, JATS 1.x): ``.nxml`` files and ``pmc-articleset``.

Each ``article`` becomes one :class:`~citegraph.model.Record`:

* the article, from its ``front``: title, ``contrib`` authors (``collab`` as a
  group author), journal (its abbreviation: ``iso-abbrev``, ``nlm-ta`` or
  ``abbrev-journal-title``, else ``journal-title``), publication date (print
  first, then collection, then electronic), volume, issue, pages
  (``fpage``-``lpage`` or ``elocation-id``), ``article-id`` (doi, pmid, pmc),
  abstract, keywords and publisher;
* its references, one per ``citation``, ``element-citation``,
  ``mixed-citation`` or ``nlm-citation`` of every ``ref`` (one per
  ``citation-alternatives``): every ``pub-id`` (doi, pmid, pmcid) kept, and the
  fields that are tagged (``person-group`` names and ``collab``,
  ``article-title``, ``chapter-title``, ``source``, ``year``, ``volume``,
  ``issue``, ``fpage``/``lpage``).  Where a citation is text that is not
  tagged, :func:`~citegraph.references.parse_reference` reads the text and the
  tags still win over what it found.  ``raw`` keeps the citation's text when it
  has text of its own (a ``mixed-citation``); a citation made only of tags has
  no original string.

Streaming, entity handling and errors are those of :mod:`citegraph.formats.pubmed_xml`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO

from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range, parse_author, parse_reference
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from ._xmlfields import child_text, collapse_space, find_in, first_child, first_children
from .pubmed_xml import inner_text, iter_xml_records, month_name, text_of, xml_bytes, xml_root_name, year_of

__all__ = ["NAME", "sniff", "read", "parse"]

NAME = "pmc-jats"

_ROOTS = frozenset({"article", "pmc-articleset"})
#: Never read, and more than half of an article's bytes: cut before parsing, unless they hold
#: one of the _GUARDS (a ref-list may stand in a body section).  See pubmed_xml._Cutter.
_UNREAD = ("body", "floats-group")
_GUARDS = ("ref", "ref-list")
# What tells a JATS ``article`` from any other XML whose root is called "article".
_JATS_SIGNS = re.compile(r"<(?:front|article-meta|journal-meta)\b"
                         r"|<!DOCTYPE\s+article\s[^>\[]*(?:JATS|Journal (?:Archiving|Publishing)|Article Authoring"
                         r"|//NLM//DTD)")


def sniff(head: str) -> bool:
    """Whether a file starts as a JATS article (or a ``pmc-articleset`` of them).

    Examples
    --------
    >>> sniff('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving" "x.dtd">'
    ...       '<article article-type="research-article"><front>')
    True
    >>> sniff("<PubmedArticleSet>"), sniff("<!DOCTYPE html><html><body><article><front>")
    (False, False)
    """
    root = xml_root_name(head)
    if root == "pmc-articleset":
        return True
    return root == "article" and _JATS_SIGNS.search(head) is not None


def read(stream: BinaryIO, path: str = "<stream>", *,
         parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The articles of a JATS file, streamed from a binary stream.

    ``parse_references=False`` leaves a citation that is untagged text as its
    ``raw`` string (with its tagged fields), unread by the reference parser.

    Examples
    --------
    >>> import io
    >>> xml = b'''<article><front><journal-meta><journal-id journal-id-type="nlm-ta">PLoS One</journal-id>
    ... </journal-meta><article-meta><article-id pub-id-type="pmc">1790863</article-id>
    ... <title-group><article-title>Quantifying <italic>complexity</italic></article-title></title-group>
    ... <pub-date pub-type="epub"><month>2</month><year>2007</year></pub-date></article-meta></front>
    ... <back><ref-list><ref id="r1"><element-citation publication-type="journal">
    ... <person-group person-group-type="author"><name><surname>Orr</surname><given-names>HA</given-names>
    ... </name></person-group><article-title>Adaptation and the cost of complexity.</article-title>
    ... <source>Evolution</source><year>2000</year><volume>54</volume><fpage>13</fpage><lpage>20</lpage>
    ... <pub-id pub-id-type="pmid">10937178</pub-id></element-citation></ref></ref-list></back></article>'''
    >>> record = next(read(io.BytesIO(xml)))
    >>> record.work.title, record.work.journal, record.work.year, record.work.month, record.work.pmcid
    ('Quantifying complexity', 'PLoS One', 2007, 'Feb', 'PMC1790863')
    >>> ref = record.references[0]
    >>> ref.authors[0].family, ref.title, ref.journal, ref.year, ref.pages, ref.pmid
    ('Orr', 'Adaptation and the cost of complexity', 'Evolution', 2000, '13-20', '10937178')
    """
    read_record = _read_record if parse_references else partial(_read_record, parse_strings=False)
    return iter_xml_records(stream, path, NAME, ("article",), read_record, _ROOTS, unread=_UNREAD, guards=_GUARDS)


def parse(text: str, path: str = "<string>", *, parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The articles of JATS XML held in a string."""
    return read(io.BytesIO(xml_bytes(text)), path, parse_references=parse_references)


# -- one article -------------------------------------------------------------

def _read_record(article, source: Source, parse_strings: bool = True) -> Record | Skipped:
    front = first_child(article, "front")
    meta = first_child(front, "article-meta")
    if meta is None:
        return Skipped(source, "an article without front/article-meta")
    work = _article_work(meta, first_child(front, "journal-meta"))
    references = []
    for ref in article.iter("ref"):
        references.extend(_ref_works(ref, parse_strings))
    if work.title is None and work.pmid is None and work.doi is None and work.pmcid is None:
        return Skipped(source, "an article with no title, DOI, PMID or PMCID")
    return Record(work=work, source=source, references=tuple(references))


_ID_TYPES = {"doi": ("doi", normalize_doi), "pmid": ("pmid", normalize_pmid),
             "pmc": ("pmcid", normalize_pmcid), "pmcid": ("pmcid", normalize_pmcid)}


def _ids(elements) -> dict[str, str]:
    ids: dict[str, str] = {}
    for element in elements:
        kind = element.get("pub-id-type")
        kind = _ID_TYPES.get(kind.lower()) if kind else None
        if kind is None:
            continue
        key, normalize = kind
        if key not in ids and (value := normalize(element.text)):
            ids[key] = value
    return ids


def _article_work(meta, journal_meta) -> Work:
    first = first_children(meta)
    ids = _ids(meta.iterchildren("article-id"))
    year, month = _pub_date(meta)
    authors, editors = [], []
    for group in meta.iterchildren("contrib-group"):
        for contrib in group.iterchildren("contrib"):
            kind = contrib.get("contrib-type") or "author"
            if kind not in ("author", "editor"):
                continue
            person = next((c for c in contrib if c.tag in _PERSON_TAGS), None)
            author = _person(person, given_first=True) if person is not None else None
            if author is not None:
                (authors if kind == "author" else editors).append(author)
    publisher = first_child(journal_meta, "publisher")
    keywords = (text_of(k) for group in meta.iterchildren("kwd-group") for k in group.iterchildren("kwd"))
    return Work(
        title=_title(text_of(find_in(meta, "title-group", "article-title"))),
        authors=tuple(authors),
        editors=tuple(editors),
        year=year,
        month=month,
        journal=_journal(journal_meta),
        volume=text_of(first.get("volume")),
        issue=text_of(first.get("issue")),
        pages=_pages(first),
        doi=ids.get("doi"),
        pmid=ids.get("pmid"),
        pmcid=ids.get("pmcid"),
        abstract=_abstract(meta),
        keywords=tuple(dict.fromkeys(k for k in keywords if k)),
        publisher=text_of(first_child(publisher, "publisher-name")) if publisher is not None else None,
        place=text_of(first_child(publisher, "publisher-loc")) if publisher is not None else None,
    )


def _journal(journal_meta) -> str | None:
    if journal_meta is None:
        return None
    by_type = {j.get("journal-id-type"): text_of(j) for j in journal_meta.iterchildren("journal-id")}
    return (by_type.get("iso-abbrev") or by_type.get("nlm-ta")
            or text_of(find_in(journal_meta, "journal-title-group", "abbrev-journal-title"))
            or text_of(first_child(journal_meta, "abbrev-journal-title"))
            or text_of(find_in(journal_meta, "journal-title-group", "journal-title"))
            or text_of(first_child(journal_meta, "journal-title")))


def _date_rank(pub_date) -> int:
    kind = (pub_date.get("pub-type") or pub_date.get("date-type") or "").lower()
    form = (pub_date.get("publication-format") or "").lower()
    if kind == "ppub" or (kind == "pub" and form == "print"):
        return 0
    if kind == "collection":
        return 1
    if kind in ("epub", "epub-ppub") or (kind == "pub" and form in ("electronic", "")):
        return 2
    return 3


def _pub_date(meta) -> tuple[int | None, str | None]:
    # each dated pub-date: its rank, its year, the date; in document order, so that min() and
    # sorted() keep the first of equal ranks
    dates = [(_date_rank(d), year, d) for d in meta.iterchildren("pub-date")
             if (year := year_of(child_text(d, "year")))]
    if not dates:
        return None, None
    best = min(dates, key=_rank)
    month = month_name(child_text(best[2], "month"))
    if month is None:  # "collection" 2013 and "epub" 2013-02-28: the month is the same issue's
        month = next((m for _, year, d in sorted(dates, key=_rank)
                      if year == best[1] and (m := month_name(child_text(d, "month")))), None)
    return best[1], month


def _rank(date: tuple) -> int:
    return date[0]


def _pages(first: dict) -> str | None:
    """Pages from ``fpage``/``lpage``, else ``page-range``, else ``elocation-id`` (the first child of each tag)."""
    start = text_of(first.get("fpage"))
    last = text_of(first.get("lpage"))
    if start and last and last != start:
        return expand_page_range(f"{start}-{last}")
    if start:
        return start
    page_range = text_of(first.get("page-range"))
    if page_range:
        return expand_page_range(re.sub(r"\s*[-\u2013]\s*", "-", page_range))
    return text_of(first.get("elocation-id"))


def _page_text(text: dict) -> str | None:
    """:func:`_pages` from the texts of the tags instead of the tags."""
    start, last = text.get("fpage"), text.get("lpage")
    if start and last and last != start:
        return expand_page_range(f"{start}-{last}")
    if start:
        return start
    if (page_range := text.get("page-range")):
        return expand_page_range(re.sub(r"\s*[-\u2013]\s*", "-", page_range))
    return text.get("elocation-id")


_FIELD_TAGS = frozenset({"article-title", "chapter-title", "source", "year", "month", "volume", "issue",
                         "fpage", "lpage", "page-range", "elocation-id", "publisher-name", "publisher-loc"})


def _abstract(meta) -> str | None:
    abstracts = list(meta.iterchildren("abstract"))
    if not abstracts:
        return None
    # the abstract proper, not an "author summary" or a teaser
    abstract = next((a for a in abstracts if not a.get("abstract-type")), abstracts[0])
    parts = []
    for child in abstract:
        if not isinstance(child.tag, str) or child.tag == "title":
            continue
        if child.tag == "sec":
            heading = text_of(first_child(child, "title"))
            body = " ".join(t for t in (text_of(c) for c in child if c.tag != "title") if t)
            parts.append(f"{heading.rstrip(':')}: {body}" if heading and body else body or heading or "")
        else:
            parts.append(text_of(child) or "")
    return " ".join(p for p in parts if p) or text_of(abstract)


def _title(title: str | None) -> str | None:
    if title and title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    return title or None


# -- references --------------------------------------------------------------

_CITATION_TAGS = frozenset({"citation", "element-citation", "mixed-citation", "nlm-citation"})
_PERSON_TAGS = frozenset({"name", "string-name", "collab", "name-alternatives"})
_BOOKISH = frozenset({"book", "report", "thesis", "confproc", "standard", "patent", "software",
                      "data", "dataset", "webpage", "web", "other"})
_DOI_IN_TEXT = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")


def _ref_works(ref, parse_strings: bool = True) -> list[Work]:
    works = []
    for child in ref:
        tag = child.tag
        if tag in _CITATION_TAGS:
            works.append(_citation_work(child, parse_strings))
        elif tag == "citation-alternatives":
            # one work told several ways: the tagged one for fields, the printed one for raw
            alternatives = [c for c in child if c.tag in _CITATION_TAGS]
            if alternatives:
                tagged = next((c for c in alternatives if c.tag == "element-citation"), alternatives[0])
                work = _citation_work(tagged, parse_strings)
                if work.raw is None:
                    printed = next((c for c in alternatives if c.tag == "mixed-citation"), None)
                    if printed is not None and printed is not tagged:
                        work = work.replace(raw=text_of(printed))
                works.append(work)
    if not works:  # a ref with its text and no citation element
        text = " ".join(t for t in (text_of(c) for c in ref if c.tag != "label") if t)
        text = " ".join(filter(None, ((ref.text or "").strip(), text)))
        if text:
            works.append(_merge(parse_reference(text), text, {}) if parse_strings else Work(raw=text))
    return works


_PUNCTUATION = " \t\r\n.,;:()[]-\u2013\u2014&"


_GLUE = frozenset({"", "and", "In", "In:", "et al"})


def _printed_text(element) -> str:
    """The text of a printed citation: adjacent tags apart ("Archer BN"), pub-id links left out."""
    parts = [element.text or ""]
    adjacent = False  # the last piece is an element's text with nothing printed after it
    for child in element:
        tag = child.tag
        if tag != "pub-id" and isinstance(tag, str):
            inner = _printed_text(child) if len(child) else (child.text or "")
            if adjacent and inner and not parts[-1][-1:].isspace() and not inner[0].isspace():
                parts.append(" ")
            parts.append(inner)
            adjacent = bool(inner)
        tail = child.tail
        if tail:
            parts.append(tail)
            adjacent = False
    return "".join(parts)


def _citation_work(citation, parse_strings: bool = True) -> Work:
    text: dict = {}  # the text of the first child of each field tag: one pass, no find()
    first: dict = {}  # the first child of each other tag
    authors: list[Author] = []
    editors: list[Author] = []
    pub_ids = []
    et_al = False
    # printed: text outside the tags (a mixed-citation as the article shows it);
    # words: more than punctuation there, which only the parser can read
    own = citation.text
    printed = words = bool(own and own.strip())
    if words and not own.strip(_PUNCTUATION):
        words = False
    # one pass over the children, the commonest tags tried first; this runs for every reference
    for child in citation:
        if not words and (tail := child.tail) and (stripped := tail.strip()):
            printed = True
            words = stripped.strip(_PUNCTUATION) not in _GLUE
        tag = child.tag
        if tag in _FIELD_TAGS:
            if tag not in text:  # the first of each; its text read here, once
                value = child.text if not len(child) else inner_text(child)
                if value and (value := collapse_space(value)):
                    text[tag] = value
        elif tag == "pub-id":
            pub_ids.append(child)
        elif tag == "name":  # names tagged straight in the citation, as PLoS prints them
            if (author := _name(child, False)) is not None:
                authors.append(author)
        elif tag == "person-group":
            kind = child.get("person-group-type")
            kind = kind.lower() if kind else "author"
            people = authors if kind == "author" else editors if kind == "editor" else None
            for person in child:
                person_tag = person.tag
                if person_tag == "name":  # the common case, read without _person's dispatch
                    if people is not None and (author := _name(person, False)) is not None:
                        people.append(author)
                elif person_tag in _PERSON_TAGS:
                    if people is not None and (author := _person(person)) is not None:
                        people.append(author)
                elif person_tag == "etal" and people is authors:
                    et_al = True
        elif tag in _PERSON_TAGS:  # string-name, collab, name-alternatives
            if (author := _person(child)) is not None:
                authors.append(author)
        elif tag == "etal":
            et_al = True
        elif tag not in first:
            first[tag] = child

    # the fields that are known, straight into the dict of what the tags say
    tagged: dict = {}
    kind = citation.get("publication-type") or citation.get("citation-type")
    article_title = _title(text.get("article-title"))
    chapter_title = _title(text.get("chapter-title"))
    source = _title(text.get("source"))
    if chapter_title or article_title:
        tagged["title"] = chapter_title or article_title
        if source:
            tagged["journal"] = source
    elif source:
        if kind and kind.lower() in _BOOKISH:
            tagged["title"] = source  # a book's or report's own title
        else:
            tagged["journal"] = source
    year = text.get("year")
    if year is None and (date := first.get("date")) is not None:
        year = child_text(date, "year")
    if (year := year_of(year)) is not None:
        tagged["year"] = year
    if (month := text.get("month")) and (month := month_name(month)):
        tagged["month"] = month
    for tag, field in _TEXT_FIELDS:
        if (value := text.get(tag)) is not None:
            tagged[field] = value
    if (pages := _page_text(text)) is not None:
        tagged["pages"] = pages
    if authors:
        tagged["authors"] = tuple(authors)
        tagged["et_al"] = et_al
    if editors:
        tagged["editors"] = tuple(editors)
    ids = _ids(pub_ids) if pub_ids else {}
    if "doi" not in ids and ("ext-link" in first or "comment" in first):
        for link in citation.iter("ext-link"):
            href = link.get("{http://www.w3.org/1999/xlink}href") or link.text or ""
            if (link.get("ext-link-type") == "doi" or "doi.org/" in href) and (doi := normalize_doi(href)):
                ids["doi"] = doi
                break
    if ids:
        tagged.update(ids)

    # printed text is the reference as the article shows it: that is its raw string
    raw = (collapse_space(_printed_text(citation)) or None) if printed else None
    if not parse_strings:
        work = Work(raw=raw or (None if tagged else text_of(citation)), **tagged)
    elif words and raw and not tagged.keys() >= {"title", "year", "authors"}:
        # printed text with few tags: the parser reads the text, the tags win
        work = _merge(parse_reference(raw), raw, tagged)
    elif not (tagged.keys() & {"title", "journal", "authors", "year"}) and not ids:
        # text only in tags that say nothing of what it is (a <comment>)
        text = raw or text_of(citation)
        work = _merge(parse_reference(text), text, tagged) if text else Work(**tagged)
    else:
        work = Work(raw=raw, **tagged)
    if work.doi is None and raw and "10." in raw and (m := _DOI_IN_TEXT.search(raw)):
        work = work.replace(doi=normalize_doi(m.group(0)))
    return work


#: Tags whose text is a field as it stands.
_TEXT_FIELDS = (("volume", "volume"), ("issue", "issue"), ("publisher-name", "publisher"),
                ("publisher-loc", "place"))


def _merge(parsed: Work, raw: str, tagged: dict) -> Work:
    """What the parser read, with what the tags say put over it."""
    changes = {k: v for k, v in tagged.items() if getattr(parsed, k) != v}
    if parsed.raw != raw:
        changes["raw"] = raw
    return parsed.replace(**changes) if changes else parsed


def _person(element, *, given_first: bool = False) -> Author | None:
    """A ``name``, ``string-name`` or ``collab`` as an Author.

    Reference names read "Surname Given" as PMC prints them ("Orr HA"); the
    article's own authors "Given Surname" ("H Allen Orr") as its page does.
    """
    tag = element.tag
    if tag == "name":
        return _name(element, given_first)
    if tag == "name-alternatives":
        names = [c for c in element if c.tag in ("name", "string-name")]
        if not names:
            return None
        element = next((c for c in names if c.tag == "name"), names[0])
        if element.tag == "name":
            return _name(element, given_first)
    if tag == "collab":
        name = text_of(element)
        return Author(name, None, None) if name else None
    author = _name(element, given_first)  # a string-name with its parts tagged
    if author is None and (text := text_of(element)):
        return parse_author(text)
    return author


def _name(element, given_first: bool) -> Author | None:
    family = given = suffix = None
    for part in element:  # surname, given-names, suffix: read straight, this runs for every name
        tag = part.tag
        if tag == "surname":
            family = part.text if not len(part) else inner_text(part)
        elif tag == "given-names":
            given = part.text if not len(part) else inner_text(part)
        elif tag == "suffix":
            suffix = part.text if not len(part) else inner_text(part)
    # a surname or initials of one word ("Orr", "HA") is taken as it is, without a call
    if not family or not (family.isalpha() or (family := collapse_space(family))):
        return None
    if given and not given.isalpha():
        given = collapse_space(given) or None
    given = given or None
    if suffix and (suffix := collapse_space(suffix)):
        parts = (given, family, suffix) if given_first and element.get("name-style") != "eastern" \
            else (family, given, suffix)
        return Author(" ".join(p for p in parts if p), family, given)
    if given is None:
        return Author(family, family, None)
    if given_first and element.get("name-style") != "eastern":
        return Author(f"{given} {family}", family, given)
    return Author(f"{family} {given}", family, given)
