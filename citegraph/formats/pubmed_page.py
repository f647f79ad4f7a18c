"""PubMed article pages, in every form a user saves them.

A PubMed page reaches us as

* text copied from the browser (the seed record: list numbers all read "1.",
  link labels such as "- PubMed - PMC" trail the references, the journal name
  may be missing from the citation line because it is a button on the page);
* a text dump from lynx or w3m, or the text of the page's HTML;
* the saved HTML page itself, current layout or the pre-2020 one.

Every form goes through one text reader, :func:`parse_pubmed_text`, which
finds the page's landmarks (the citation line "Journal. 2025 Aug;34(8):1-9.",
the section headings) and reads each field next to its landmark, so that the
page's furniture (banners, menus, "Similar articles", "LinkOut") never leaks
into a field.  :func:`parse_pubmed_html` turns HTML into the lines a browser
would show, reads them with the same reader, then adds what only the markup
holds: the ``citation_*`` meta tags and the PMID, PMCID and DOI that the links
of each reference and of each "Cited by" entry carry.

Works listed under "Cited by" cite the page's article: they are returned in
``Record.cited_by``, never as references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..model import Author, Record, Skipped, Source, Work
from ..references import clean_reference, normalize_doi, parse_author, parse_reference

__all__ = ["NAME", "sniff", "read", "parse", "parse_pubmed_text", "parse_pubmed_html"]

NAME = "pubmed-page"

# -- the page's vocabulary ---------------------------------------------------

# Section headings of the current and the legacy layout, by what they open.
_HEADINGS: dict[str, str] = {
    "abstract": "abstract",
    "references": "references",
    "cited by": "cited_by",
    "similar articles": "furniture",
    "related articles": "furniture",
    "related information": "furniture",
    "publication types": "publication_types",
    "mesh terms": "furniture",
    "substances": "furniture",
    "grants and funding": "furniture",
    "linkout - more resources": "furniture",
    "linkout": "furniture",
    "full text sources": "furniture",
    "pubmed disclaimer": "furniture",
    "conflict of interest statement": "furniture",
    "figures": "furniture",
    "comment in": "furniture",
    "comment on": "furniture",
    "erratum in": "furniture",
    "supplementary info": "furniture",
    "associated data": "furniture",
    "affiliations": "aside",
    "author information": "aside",
    "recent activity": "furniture",
    "full text links": "aside",
    "actions": "aside",
    "share": "aside",
    "page navigation": "aside",
    "keywords": "keywords",
    "pmid": "pmid",
    "cite": "aside",
    "add to collections": "aside",
    "similar articles in pubmed": "furniture",
    "medical genetics summaries": "furniture",
    "miscellaneous": "furniture",
    "research materials": "furniture",
    "other literature sources": "furniture",
}

# PubMed's publication types (the labels a page shows above the citation line
# and under "Publication types").  Only these are taken as publication types.
PUBLICATION_TYPES = frozenset("""
Adaptive Clinical Trial|Address|Autobiography|Bibliography|Biography|Case Reports|Classical Article|
Clinical Conference|Clinical Study|Clinical Trial|Clinical Trial Protocol|Clinical Trial, Phase I|
Clinical Trial, Phase II|Clinical Trial, Phase III|Clinical Trial, Phase IV|
Clinical Trial, Veterinary|Collected Work|Comment|Comparative Study|Congress|Consensus Development Conference|
Consensus Development Conference, NIH|Controlled Clinical Trial|Corrected and Republished Article|
Dataset|Dictionary|Directory|Duplicate Publication|Editorial|Electronic Supplementary Materials|
English Abstract|Equivalence Trial|Evaluation Study|Expression of Concern|Festschrift|Government Publication|
Guideline|Historical Article|Interactive Tutorial|Interview|Introductory Journal Article|Journal Article|
Lecture|Legal Case|Legislation|Letter|Meta-Analysis|Multicenter Study|News|Newspaper Article|
Observational Study|Observational Study, Veterinary|Overall|Patient Education Handout|Periodical Index|
Personal Narrative|Portrait|Practice Guideline|Pragmatic Clinical Trial|Preprint|Published Erratum|
Randomized Controlled Trial|Randomized Controlled Trial, Veterinary|Research Support, American Recovery and Reinvestment Act|
Research Support, N.I.H., Extramural|Research Support, N.I.H., Intramural|Research Support, Non-U.S. Gov't|
Research Support, U.S. Gov't, Non-P.H.S.|Research Support, U.S. Gov't, P.H.S.|
Research Support, U.S. Government|Retracted Publication|Retraction of Publication|Review|Scientific Integrity Review|
Systematic Review|Technical Report|Twin Study|Validation Study|Video-Audio Media|Webcast
""".replace("\n", "").split("|"))
_PUBLICATION_TYPES_LOWER = {p.lower(): p for p in PUBLICATION_TYPES}

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Spring|Summer|Fall|Autumn|Winter)"
# "Eur Spine J. 2025 Aug;34(8):3549-3556."  ". 2025 Aug;34(8):3549-3556."
# "1: Acta Biochim Pol. 2005;52(4):789-96. Epub 2005 Jun 6."
_CITATION = re.compile(
    rf"^(?:\[\s*\]\s*)?(?:\d+:\s*)?(?P<journal>[^;]*?)\s*\.\s*(?P<year>(?:1[89]|20)\d{{2}})"
    rf"(?:\s+(?P<month>{_MONTH})(?:-{_MONTH})?(?:\s+\d{{1,2}}(?:-\d{{1,2}})?)?)?"
    rf"(?:\s*;\s*(?P<volume>[^\s(:;.]+)?\s*(?:\((?P<issue>[^)]*)\))?"
    rf"(?:\s*:\s*(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?))?)?"
    rf"\s*\.(?P<after>.*)$")
# "Ningdao Li et al. Eur Spine J. 2025 Aug."  (the short citation under the title)
_SHORT_CITATION = re.compile(
    rf"^(?P<author>[^.;:]+?)(?P<etal>\s+et al)?\.\s+(?P<journal>[A-Z][^;]*?)\.\s+"
    rf"(?P<year>(?:1[89]|20)\d{{2}})(?:\s+{_MONTH}(?:\s+\d{{1,2}})?)?\.?$")
_DOI_IN_LINE = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+)", re.I)
_PMID_IN_LINE = re.compile(r"\bPMID:?\s*(\d{1,9})\b")
_PMCID_IN_LINE = re.compile(r"\bPMCID:?\s*(PMC\d+)\b")
_ENTRY_START = re.compile(r"^(?:\d{1,4}\s*[.)]|\[\d{1,4}\]|[*\u2022\u25e6\u25a1\u2606+-])\s+(?=\S)")

# Lines that belong to the page, not to the article (compared lowercased).
_FURNITURE_PREFIXES = (
    "skip to main", "an official website", "here's how you know", "here’s how you know", "dot gov",
    "the .gov means", "federal government websites", "https", "the site is secure",
    "the https:// ensures", "access keys", "log in", "search:", "advanced", "clipboard",
    "user guide", "save", "email", "send to", "display options", "full text links", "cite",
    "share", "expand", "collapse", "show all", "see all", "free pmc article", "free article",
    "pubmed disclaimer", "click here", "warning:", "epub", "doi:", "u.s. flag",
    "item in clipboard", "format:", "add to", "no abstract available", "copyright",
    "©", "see comment in pubmed commons", "pmid:", "pmcid:", "[pubmed",
)


def sniff(head: str) -> bool:
    """Whether the start of a file reads like a PubMed page (text or HTML)."""
    if head.lstrip().startswith("<?xml") and "<!DOCTYPE html" not in head[:500]:
        return False
    if re.search(r"<(?:PubmedArticleSet|PubmedArticle|article-set|pmc-articleset)\b", head):
        return False
    if re.search(r"^PMID- ", head, re.M):  # MEDLINE text
        return False
    return bool(re.search(r"pubmed|ncbi\.nlm\.nih\.gov|National Library of Medicine", head, re.I))


def read(stream, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read one PubMed page from a binary stream (pages are small: read whole)."""
    from . import decode  # the package's one decoder: BOMs, UTF-16, cp1252 fallback

    return parse(decode(stream.read()), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read one PubMed page (text or HTML): yields one ``Record`` or one ``Skipped``."""
    looks_html = re.search(r"<(?:html|body|div|head)\b", text[:20000], re.I) is not None
    record = parse_pubmed_html(text, path) if looks_html else parse_pubmed_text(text, path)
    if record.work.title is None and record.work.doi is None and record.work.pmid is None:
        yield Skipped(record.source, "no article found on this page (no title, DOI or PMID)")
    else:
        yield record


# -- lines and sections ------------------------------------------------------

@dataclass(slots=True)
class _Line:
    text: str  # cleaned, stripped
    number: int  # 1-based line number in the input
    urls: tuple[str, ...] = ()


# markdown links from html2text: "[text](url "title")", parentheses in url escaped
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(((?:\\.|[^)\\\s])*)(?:\s+\"(?:\\.|[^\"\\])*\")?\)")


def _clean_line(raw: str) -> tuple[str, tuple[str, ...]]:
    urls = tuple(m.group(2) for m in _MD_LINK.finditer(raw))
    text = _MD_LINK.sub(r"\1", raw)
    text = re.sub(r"\[\d{1,4}\]", "", text)  # lynx link numbers
    text = re.sub(r"\^\d+(?:,\d+)*", "", text)  # w3m superscripts
    text = text.replace("(BUTTON)", "").replace("**", "").replace("\\_", "_").replace("\\-", "-")
    text = re.sub(r"^\s*#+\s+", "", text)  # markdown headings
    text = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", text)  # markdown emphasis
    text = re.sub(r"^\s*[\u2022\u25e6\u25a1\u2606\u00b7]\s*", "", text)  # w3m bullets
    text = text.replace("\u00a0", " ")
    return " ".join(text.split()), urls


def _lines(text: str) -> list[_Line]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    out: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), 1):
        cleaned, urls = _clean_line(raw)
        out.append(_Line(cleaned, number, urls))
    return _join_broken(out)


def _join_broken(lines: list[_Line]) -> list[_Line]:
    """Mend lines that a text extractor broke at every inline element.

    ``get_text()`` of the legacy page prints "Clin Drug Investig." and
    "2012 Mar 1;32(3):171-8." on two lines, and an author list as
    "Meno H", "1", ",", "Inou T", ... ".": join them back.
    """
    out: list[_Line] = []
    glue_next = False
    for i, line in enumerate(lines):
        text = line.text
        following = next((x.text for x in lines[i + 1:i + 2]), "")
        if out and (glue_next or text in {",", ".", ";"} or
                    re.fullmatch(r"\d{1,2}(?:,\d{1,2})*", text) and following in {",", "."}):
            out[-1].text = f"{out[-1].text} {text}".strip()
            out[-1].urls += line.urls
            glue_next = text == ","
            continue
        glue_next = False
        if out and re.fullmatch(r"(?:\d+:\s*)?[A-Z][^;]{0,80}\.", out[-1].text) and \
                re.match(r"(?:1[89]|20)\d{2}\b[^;]{0,20};", text) and len(text) < 200:
            out[-1].text = f"{out[-1].text} {text}"
            continue
        out.append(line)
    return out


def _heading(line: str) -> str | None:
    key = line.strip().rstrip(":").strip().lower()
    if key in _HEADINGS:
        return _HEADINGS[key]
    if re.fullmatch(r"cited by(?: \d+ articles?)?", key):
        return "cited_by"
    if re.fullmatch(r"references?(?: \(\d+\))?", key):
        return "references"
    if key.startswith("keywords:") or key.startswith("keywords :"):
        return "keywords_inline"
    return None


def _sections(lines: list[_Line]) -> dict[str, list[_Line]]:
    """Lines by the section they stand in; ``head`` is everything before the first heading."""
    sections: dict[str, list[_Line]] = {"head": []}
    current = "head"
    for line in lines:
        kind = _heading(line.text)
        if kind == "keywords_inline":
            sections.setdefault("keywords", []).append(line)
            continue
        if kind == "aside":
            continue
        if kind is not None:
            current = kind
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line)
    return sections


def _is_furniture(text: str) -> bool:
    low = text.lower()
    return (not text or low.startswith(_FURNITURE_PREFIXES) or _heading(text) is not None
            or low in _PUBLICATION_TYPES_LOWER)


def _paragraphs(lines: list[_Line]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = [[]]
    for line in lines:
        if line.text:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


# -- article fields ----------------------------------------------------------

def _find_citation(lines: list[_Line]) -> tuple[int, re.Match[str]] | None:
    for i, line in enumerate(lines):
        m = _CITATION.match(line.text)
        if m and (";" in line.text or m.group("journal") == "" or "doi:" in m.group("after")):
            journal = m.group("journal")
            # a sentence that happens to end in a year is not a citation line
            if len(journal) <= 120 and not re.search(r"\b(?:is|are|was|were|the)\b", journal):
                return i, m
    return None


def _parse_author_line(text: str) -> tuple[tuple[Author, ...], bool] | None:
    """Read an author line of the article ("Ningdao Li 1 , Shangju Gao 1 2", "Powell DJ, Moss R.")."""
    text = text.strip().rstrip(".")
    if not text or len(text) > 3000:
        return None
    et_al = bool(re.search(r"\bet al\b", text))
    text = re.sub(r",?\s*\bet al\.?", "", text)
    names = []
    for part in re.split(r"\s*(?:,|;|\band\b)\s*", text):
        part = re.sub(r"(?:\s*\d+)+$", "", part.strip(" .*")).strip(" .*")  # affiliation numbers
        if not part:
            continue
        if re.search(r"\d|[:()\[\]@]", part) or len(part.split()) > 5:
            return None
        names.append(part)
    if not names:
        return None
    authors = tuple(parse_author(n) for n in names)
    if any(a.family is None for a in authors) and len(authors) > 1:
        return None
    return authors, et_al


def _publication_types(near_title: list[_Line], section: list[_Line]) -> tuple[str, ...]:
    """Known publication types shown beside the title or under "Publication types"."""
    found: list[str] = []
    candidates = [line.text for line in near_title] + [line.text for line in section]
    for text in candidates:
        name = _PUBLICATION_TYPES_LOWER.get(text.strip().rstrip(".").lower())
        if name and name not in found:
            found.append(name)
    return tuple(found)


def _keywords(section: list[_Line]) -> tuple[str, ...]:
    text = " ".join(line.text for line in section if line.text)
    text = re.sub(r"^\s*keywords\s*:?\s*", "", text, flags=re.I).strip().rstrip(".")
    if not text:
        return ()
    return tuple(k.strip() for k in re.split(r"\s*;\s*", text) if k.strip())


def _abstract(section: list[_Line]) -> str | None:
    paragraphs = []
    for paragraph in _paragraphs(section):
        text = " ".join(line.text for line in paragraph
                        if not line.text.lower().startswith(("copyright", "\u00a9")))
        if _is_furniture(text):
            continue
        if paragraphs and re.fullmatch(r"[A-Z][A-Z ,&/-]{2,60}:", paragraphs[-1]):
            paragraphs[-1] += " " + text  # "METHODS:" printed apart from its text
        else:
            paragraphs.append(text)
    return "\n".join(paragraphs) or None


# -- references and cited-by entries -----------------------------------------

_ID_FROM_URL = (
    ("pmcid", re.compile(r"/pmc/articles/(PMC\d+)", re.I)),
    ("pmcid", re.compile(r"pmc\.ncbi\.nlm\.nih\.gov/articles/(PMC\d+)", re.I)),
    ("pmid", re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")),
    ("pmid", re.compile(r"/pubmed/(\d+)")),
    ("doi", re.compile(r"doi\.org/(10\.\d{4,9}/[^\s?#\"']+)")),
)


def ids_from_urls(urls: tuple[str, ...] | list[str]) -> dict[str, str]:
    """PMID, PMCID and DOI carried by link targets.

    Examples
    --------
    >>> ids_from_urls(["https://pubmed.ncbi.nlm.nih.gov/31728223/", "https://doi.org/10.1000/X"])
    {'pmid': '31728223', 'doi': '10.1000/x'}
    """
    found: dict[str, str] = {}
    for url in urls:
        for field, pattern in _ID_FROM_URL:
            m = pattern.search(url)
            if m and field not in found:
                value = m.group(1)
                if field == "doi":
                    value = normalize_doi(value) or ""
                elif field == "pmcid":
                    value = value.upper()
                elif field == "pmid" and int(value) <= 0:
                    value = ""
                if value:
                    found[field] = value
    return found


def _entries(section: list[_Line]) -> list[tuple[str, tuple[str, ...], int]]:
    """Reference entries: (text, urls, line number); an entry may span lines."""
    numbered = any(_ENTRY_START.match(line.text) for line in section)
    entries: list[list] = []
    for line in section:
        text = line.text
        if not text:
            if not numbered:
                entries.append([])
            continue
        low = text.lower()
        if low.startswith(("show all", "see all", "expand", "collapse", "load more")) or \
                re.fullmatch(r"\d+ references?", low):
            continue
        if _ENTRY_START.match(text) or not numbered and (not entries or entries[-1]):
            if not numbered and entries and entries[-1] == []:
                entries[-1] = [text, list(line.urls), line.number]
                continue
            entries.append([_ENTRY_START.sub("", text), list(line.urls), line.number])
        elif entries and entries[-1]:
            entries[-1][0] += " " + text
            entries[-1][1].extend(line.urls)
        elif numbered:
            continue
        else:
            entries.append([text, list(line.urls), line.number])
    return [(e[0], tuple(e[1]), e[2]) for e in entries if e and e[0].strip()]


def _reference(text: str, urls: tuple[str, ...]) -> Work:
    work = parse_reference(text)
    ids = ids_from_urls(urls)
    return work.replace(**{k: v for k, v in ids.items() if getattr(work, k) is None})


def _docsum(lines: list[_Line]) -> Work | None:
    """One "Cited by" entry: title, authors, citation line, "PMID: n"."""
    texts = [line.text for line in lines if line.text and not _is_furniture(line.text)
             or _PMID_IN_LINE.search(line.text)]
    urls = tuple(u for line in lines for u in line.urls)
    if not texts:
        return None
    joined = " ".join(texts)
    pmid = _PMID_IN_LINE.search(joined)
    doi = _DOI_IN_LINE.search(joined)
    cite_at = next((i for i, t in enumerate(texts) if i > 0 and _CITATION.match(t)
                    and _CITATION.match(t).group("journal")), None)
    fields: dict = {}
    if cite_at is not None:
        m = _CITATION.match(texts[cite_at])
        fields.update(journal=m.group("journal") or None, year=int(m.group("year")),
                      month=m.group("month"), volume=m.group("volume"), issue=m.group("issue"),
                      pages=_expand(m.group("pages")))
        before = texts[:cite_at]
        parsed = _parse_author_line(before[-1]) if len(before) > 1 else None
        if parsed:
            fields["authors"], fields["et_al"] = parsed
            before = before[:-1]
        fields["title"] = " ".join(before).strip() or None
    else:
        fields["title"] = texts[0]
    if fields.get("title"):
        fields["title"] = fields["title"].rstrip(".")
    if pmid:
        fields["pmid"] = str(int(pmid.group(1)))
    if doi:
        fields["doi"] = normalize_doi(doi.group(1))
    for key, value in ids_from_urls(urls).items():
        fields.setdefault(key, value)
    fields["raw"] = joined
    return Work(**fields)


def _cited_by(section: list[_Line]) -> list[Work]:
    groups: list[list[_Line]] = [[]]
    for line in section:
        low = line.text.lower()
        if low.startswith(("see all", "show all", "load more")):
            continue
        if not line.text:
            if groups[-1]:
                groups.append([])
            continue
        if _ENTRY_START.match(line.text) and groups[-1]:
            groups.append([])
        groups[-1].append(_Line(_ENTRY_START.sub("", line.text), line.number, line.urls))
        if _PMID_IN_LINE.search(line.text):
            groups.append([])
    # a copied docsum may have blank lines between its own lines: join groups
    # until each holds a citation line or a PMID
    merged: list[list[_Line]] = []
    for group in groups:
        if not group:
            continue
        if merged and not any(_PMID_IN_LINE.search(x.text) for x in merged[-1]) and \
                not _has_full_citation(merged[-1]):
            merged[-1].extend(group)
        else:
            merged.append(list(group))
    works = [_docsum(group) for group in merged]
    return [w for w in works if w is not None and (w.title or w.pmid)]


def _has_full_citation(group: list[_Line]) -> bool:
    return any((m := _CITATION.match(x.text)) and m.group("journal") for x in group[1:])


def _expand(pages: str | None) -> str | None:
    if not pages:
        return None
    from ..references import expand_page_range
    return expand_page_range(re.sub(r"\s+", "", pages))


# -- the text reader ---------------------------------------------------------

def parse_pubmed_text(text: str, path: str = "<string>", *,
                      source_format: str = NAME) -> Record:
    """Read the text of a PubMed page into a :class:`~citegraph.model.Record`.

    Examples
    --------
    >>> page = '''Review
    ... Lancet. 2005 Aug;366(9486):643-8.
    ... doi: 10.1016/S0140-6736(05)66954-1.
    ...
    ... Direct decompressive surgical resection.
    ...
    ... Roy A Patchell, Phillip A Tibbs
    ... PMID: 16112300
    ... References
    ... 1. Smith J, Jones K. A study. J Biol Chem. 1999;274(25):17789-93. - PubMed
    ... '''
    >>> record = parse_pubmed_text(page)
    >>> record.work.journal, record.work.year, record.work.pmid, record.work.publication_types
    ('Lancet', 2005, '16112300', ('Review',))
    >>> [a.family for a in record.work.authors], record.references[0].journal
    (['Patchell', 'Tibbs'], 'J Biol Chem')
    """
    lines = _lines(text)
    fields: dict = {}
    # The citation line anchors the article: what stands before it is the
    # page's banner and menus (and the publication type label), what follows
    # is the article, then its sections.
    found = _find_citation(lines)
    start = found[0] if found else 0
    before = lines[:start]
    sections = _sections(lines[start:])
    head = sections["head"]
    cite_index = 0 if found else None
    if found:
        m = found[1]
        fields.update(year=int(m.group("year")), month=m.group("month"), volume=m.group("volume"),
                      issue=m.group("issue"), pages=_expand(m.group("pages")))
        journal = m.group("journal").strip()
        if journal:
            fields["journal"] = journal
        else:
            previous = next((line.text for line in reversed(before) if line.text), "")
            if previous and not _is_furniture(previous) and len(previous) < 100 \
                    and not previous.endswith("."):
                fields["journal"] = previous
        after = " ".join(line.text for line in head[cite_index:cite_index + 3])
        doi = _DOI_IN_LINE.search(after)
        if doi:
            fields["doi"] = normalize_doi(doi.group(1))

    # the title: first line after the citation block that is not furniture
    body_start = cite_index + 1 if cite_index is not None else 0
    title_at = None
    for i in range(body_start, len(head)):
        candidate = head[i].text
        if not candidate or _is_furniture(candidate) or _DOI_IN_LINE.match(candidate):
            continue
        if len(candidate.split()) >= 2 or len(candidate) > 20:
            title_at = i
            fields["title"] = candidate.rstrip(".") if not candidate.endswith("..") else candidate
            break
    if "title" in fields:
        fields["title"] = re.sub(r"\s*\.$", "", fields["title"])

    # authors: the line after the title, when it reads as an author list
    if title_at is not None:
        for line in head[title_at + 1:title_at + 6]:
            if not line.text:
                continue
            if line.text.rstrip(".") == fields.get("title") or _is_furniture(line.text):
                break
            parsed = _parse_author_line(line.text)
            if parsed:
                fields["authors"], fields["et_al"] = parsed
            break

    # the short citation under the repeated title: "Ningdao Li et al. Eur Spine J. 2025 Aug."
    for line in head:
        m = _SHORT_CITATION.match(line.text)
        if m and m.group("author") and len(m.group("author").split()) <= 5:
            if not fields.get("authors"):
                parsed = _parse_author_line(m.group("author"))
                if parsed:
                    fields["authors"] = parsed[0]
                    fields["et_al"] = bool(m.group("etal"))
            if not fields.get("journal"):
                fields["journal"] = m.group("journal").strip()
            fields.setdefault("year", int(m.group("year")))
            break

    # identifiers shown in the article's own part of the page (never in lists)
    for line in head + sections.get("pmid", []):
        if "pmid" not in fields and (m := _PMID_IN_LINE.search(line.text)):
            fields["pmid"] = str(int(m.group(1)))
        if "pmcid" not in fields and (m := _PMCID_IN_LINE.search(line.text)):
            fields["pmcid"] = m.group(1).upper()
        if "doi" not in fields and (m := re.search(r"\bDOI:\s*(10\.\d{4,9}/\S+)", line.text, re.I)):
            fields["doi"] = normalize_doi(m.group(1))
    if "pmid" not in fields:
        pmid_section = sections.get("pmid", [])
        number = next((line.text for line in pmid_section if re.fullmatch(r"\d{1,9}", line.text)), None)
        if number:
            fields["pmid"] = str(int(number))

    abstract_lines = sections.get("abstract", [])
    if abstract_lines and any(len(x.text.split()) >= 8 for x in abstract_lines):
        fields["abstract"] = _abstract(abstract_lines)
    elif title_at is not None:
        fields["abstract"] = _legacy_abstract(head[title_at + 1:])
    fields["keywords"] = _keywords(sections.get("keywords", []))
    fields["publication_types"] = _publication_types(before[-3:] + head,
                                                     sections.get("publication_types", []))
    fields = {k: v for k, v in fields.items() if v is not None}

    references = tuple(_reference(text_, urls) for text_, urls, _ in
                       _dedupe(_entries(sections.get("references", []))))
    cited_by = tuple(_cited_by(sections.get("cited_by", [])))
    return Record(work=Work(**fields), source=Source(path, source_format, index=1),
                  references=references, cited_by=cited_by)


def _legacy_abstract(lines: list[_Line]) -> str | None:
    """The pre-2020 page prints the abstract with no heading: the long paragraph before "PMID:"."""
    for paragraph in _paragraphs(lines):
        # a saved HTML page has no blank lines: there, each block is a line
        blocks = [" ".join(x.text for x in paragraph)] if len(paragraph) <= 12 else \
            [x.text for x in paragraph]
        for text in blocks:
            if text.startswith("PMID") or _heading(text):
                return None
            if len(text) > 300 and not _is_furniture(text):
                return text
    return None


def _dedupe(entries: list[tuple[str, tuple[str, ...], int]]) -> list[tuple[str, tuple[str, ...], int]]:
    """Drop a reference printed twice (pages show a top list and a full list)."""
    seen: set[str] = set()
    out = []
    for entry in entries:
        key = clean_reference(entry[0])
        if key in seen:
            continue
        seen.add(key)
        out.append(entry)
    return out


# -- the HTML reader ---------------------------------------------------------

_BLOCK_TAGS = frozenset("""address article aside blockquote br dd div dl dt fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul
button option select""".split())
_SKIP_TAGS = frozenset("script style noscript svg template head iframe".split())


def _html_lines(root) -> str:
    """The text a browser would show, one block per line, links kept as markdown."""
    parts: list[str] = []

    def walk(el) -> None:
        if not isinstance(el.tag, str):  # comments and processing instructions
            if el.tail:
                parts.append(el.tail)
            return
        tag = el.tag.lower()
        if tag in _SKIP_TAGS or (el.get("hidden") is not None and tag != "ol") \
                or "display:none" in (el.get("style") or "").replace(" ", ""):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        href = (el.get("href") or "").strip()
        if tag == "a" and re.match(r"(?:https?:)?/[^\s()]*$", href):
            text = " ".join(el.text_content().split()).replace("[", "(").replace("]", ")")
            parts.append(f" [{text}]({href}) ")
        else:
            if el.text:
                parts.append(el.text)
            for child in el:
                walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    # every block stands apart, as a paragraph does in text copied from a browser
    text = "".join(parts).replace("\xa0", " ")
    return re.sub(r"[ \t]*\n[ \t\n]*", "\n\n", text)


def _meta(root, name: str) -> list[str]:
    return [m.get("content", "").strip() for m in root.iter("meta")
            if (m.get("name") or "").lower() == name and m.get("content", "").strip()]


def parse_pubmed_html(html: str, path: str = "<string>") -> Record:
    """Read a saved PubMed page (HTML) into a :class:`~citegraph.model.Record`."""
    import lxml.html  # only HTML input pays for lxml's import

    root = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"),
                                         parser=lxml.html.HTMLParser(encoding="utf-8",
                                                                     no_network=True))
    body = root.find("body")
    record = parse_pubmed_text(_html_lines(body if body is not None else root), path)
    work = record.work
    meta: dict = {}
    if (title := _meta(root, "citation_title")):
        meta["title"] = title[0].rstrip(".")
    if (journal := _meta(root, "citation_journal_abbrev") or _meta(root, "citation_journal_title")):
        meta["journal"] = journal[0]
    for field in ("volume", "issue"):
        if (value := _meta(root, f"citation_{field}")):
            meta[field] = value[0]
    if (doi := _meta(root, "citation_doi")):
        meta["doi"] = normalize_doi(doi[0])
    if (pmid := _meta(root, "citation_pmid")) and pmid[0].isdigit() and int(pmid[0]) > 0:
        meta["pmid"] = str(int(pmid[0]))
    if (authors := _meta(root, "citation_authors")) and not work.authors:
        names = [n for n in re.split(r"\s*;\s*", authors[0]) if n]
        meta["authors"] = tuple(parse_author(n) for n in names)
    # the text reader saw the page; the meta tags are the publisher's own record
    work = work.replace(**{k: v for k, v in meta.items() if v})
    return Record(work=work, source=Source(path, NAME, index=1),
                  references=record.references, cited_by=record.cited_by)
