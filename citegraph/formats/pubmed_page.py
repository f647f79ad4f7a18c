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

Text dumps differ in how they mark what the page's markup said: lynx numbers
links ("[12]Title") and lists their targets at the end under "References",
lynx and w3m mark list items with bullets and superscripts with "^", and wrap
long lines (a title, an author list, a reference, even a DOI) over several.
:func:`_lines` undoes that once, so that every line the reader looks at is
plain text with the link targets it carried and whether it opened a list item.

Works listed under "Cited by" cite the page's article: they are returned in
``Record.cited_by``, never as references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from ..model import Author, Record, Skipped, Source, Work
from ..references import clean_reference, normalize_doi, parse_author, parse_reference
from ..resolve.identifiers import normalize_pmid

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
# a numbered list entry ("1. Smith J", "[3] Smith J"); bullets are read by _clean_line
_ENTRY_START = re.compile(r"^(?:\d{1,4}\s*[.)]|\[\d{1,4}\])\s+(?=\S)")
# a list number printed alone on its line (lynx and w3m number the outer list of
# PubMed's nested reference lists: "1." then "   1. Smith J ...")
_BARE_NUMBER = re.compile(r"^\d{1,4}[.)]$")
# a bullet a text dump prints at the start of a list item
_BULLET = re.compile(r"^\s*[*+\u2022\u25e6\u25a1\u25aa\u25cf\u2606\u00b7]\s+(?=\S)")
# buttons and links under lists: never an entry of their own
_LIST_CONTROLS = ("show all", "see all", "show more", "load more", "expand", "collapse")

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
    "affiliation", "search in pubmed", "search in nlm catalog", "search in mesh", "add to search",
    "show details", "hide details", "this site needs javascript", "permalink",
)


_PAGE_MARKER = re.compile(r"pubmed|ncbi\.nlm\.nih\.gov|National Library of Medicine", re.I)
_PUBMED_HTML = re.compile(r'<meta\s+name="ncbi_db"\s+content="pubmed"|<title>[^<]*\bPubMed\b')
_OUR_OWN_PAGE = re.compile(r'<meta\s+name="generator"\s+content="citegraph')
_CITATION_HINT = re.compile(rf"\.\s*(?:1[89]|20)\d\d(?:\s+{_MONTH}(?:\s+\d{{1,2}})?)?\s*;\s*\w")
_PMID_HINT = re.compile(r"\bPMID:?\s*\d")


def sniff(head: str) -> bool:
    """Whether the start of a file reads like a PubMed page (text or HTML)."""
    if head.lstrip().startswith("<?xml") and "<!DOCTYPE html" not in head[:500]:
        return False
    if re.search(r"<(?:PubmedArticleSet|PubmedArticle|article-set|pmc-articleset)\b", head):
        return False
    if re.search(r"^PMID- ", head, re.M):  # MEDLINE text
        return False
    if not _PAGE_MARKER.search(head) or head.lstrip().startswith(("{", "[")) or _OUR_OWN_PAGE.search(head):
        return False
    first_line = next((line for line in head.splitlines() if line.strip()), "")
    if first_line.count('","') + first_line.count("\t") >= 5:  # a CSV or TSV export's header row
        return False
    if _PUBMED_HTML.search(head):
        return True
    # plain text, or HTML that is not PubMed's own: it must show an article's citation or PMID
    return bool(_CITATION_HINT.search(head) or _PMID_HINT.search(head))


def read(stream, path: str = "<stream>") -> Iterator[Record | Skipped]:
    """Read one PubMed page from a binary stream (pages are small: read whole)."""
    from . import decode  # the package's one decoder: BOMs, UTF-16, cp1252 fallback

    return parse(decode(stream.read()), path)


def parse(text: str, path: str = "<string>") -> Iterator[Record | Skipped]:
    """Read one PubMed page (text or HTML): yields one ``Record`` or one ``Skipped``."""
    text = text.lstrip("\ufeff")
    looks_html = re.search(r"<(?:html|body|div|head)\b", text[:20000], re.I) is not None
    record = parse_pubmed_html(text, path) if looks_html else parse_pubmed_text(text, path)
    if record.work.title is None and record.work.doi is None and record.work.pmid is None:
        yield Skipped(record.source, "no PubMed article found: no citation line such as "
                                     "'Eur Spine J. 2025 Aug;34(8):3549-3556.', and no title, DOI or PMID")
    else:
        yield record


# -- lines and sections ------------------------------------------------------

@dataclass(slots=True)
class _Line:
    text: str  # cleaned, stripped
    number: int  # 1-based line number in the input
    urls: tuple[str, ...] = ()  # targets of the links the line carried
    item: bool = False  # the line opened a list item (a dump printed a bullet)


# markdown links from html2text: "[text](url "title")", parentheses in url
# escaped; a javascript: target may hold spaces ("javascript:AL_get\(this, 'jour'\)").
# The text holds no bracket and the target no "](", so that every attempt stops
# at the next bracket, or the next "](": a line of brackets is read in linear time.
_MD_LINK = re.compile(
    r"!?\[([^\[\]]*)\]\(((?:\\.|[^)\\\s\]]|\](?!\()|\s(?!\"))*)(?:\s+\"(?:\\.|[^\"\\])*\")?\)")
# lynx's list of link targets at the end of a dump: "References", then
# "Visible links:" or straight away "   1. https://..."
_LYNX_LINK_LIST = re.compile(
    r"^References[ \t]*\n(?:[ \t]*\n)*[ \t]*(?:Visible links:|1\.[ \t]+[a-z][a-z0-9+.-]*:\S*[ \t]*$)",
    re.M)
_LYNX_LINK = re.compile(r"^[ \t]*(\d{1,5})\.[ \t]+(\S+)[ \t]*$", re.M)


def _lynx_links(text: str) -> tuple[str, dict[int, str]]:
    """Split off lynx's numbered list of link targets: (the page, {number: target})."""
    found = None
    for found in _LYNX_LINK_LIST.finditer(text):
        pass  # the list is the last "References" of the dump
    if found is None:
        return text, {}
    links = {int(n): url for n, url in _LYNX_LINK.findall(text[found.start():])}
    return text[:found.start()], links


def _clean_line(raw: str, links: dict[int, str] | None = None) -> tuple[str, tuple[str, ...], bool]:
    """One line of a dump as plain text, with its link targets and whether it opens a list item."""
    urls = [m.group(2).replace("\\", "") for m in _MD_LINK.finditer(raw)]
    if links:
        urls += [links[int(n)] for n in re.findall(r"\[(\d{1,5})\]", raw) if int(n) in links]
    text = _MD_LINK.sub(r"\1", raw)
    text = re.sub(r"\[\d{1,4}\]", "", text)  # lynx link numbers
    text = text.replace("(BUTTON)", "").replace("**", "").replace("\\_", "_").replace("\\-", "-")
    text = re.sub(r"^\s*#+\s+", "", text)  # markdown headings
    text = re.sub(r"(?<!\w)_([^_]+)_(?!\w)", r"\1", text)  # markdown emphasis
    text = re.sub(r"\^\s*\d+(?:[\s,]+\d+)*", "", text)  # superscripts: "Meno H^1", "Li^ 1  2"
    text = re.sub(r"\^(?=\s|$)", "", text)  # a superscript mark whose number wrapped to the next line
    text = text.replace("\u00a0", " ")
    item = _BULLET.match(text) is not None
    text = _BULLET.sub("", text)
    return " ".join(text.split()), tuple(urls), item


def _lines(text: str) -> list[_Line]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text, links = _lynx_links(text)
    out: list[_Line] = []
    for number, raw in enumerate(text.split("\n"), 1):
        cleaned, urls, item = _clean_line(raw, links)
        out.append(_Line(cleaned, number, urls, item))
    return _join_broken(out)


def _join_text(first: str, second: str) -> str:
    """Join two pieces of a line that a dump wrapped: "10.1177/" + "2192..." has no space."""
    if not first or not second:
        return first or second
    if re.search(r"\S/$", first) or re.search(r"\w[-\u2013]$", first):
        return first + second
    return f"{first} {second}"


def _join_lines(lines: list[_Line]) -> str:
    text = ""
    for line in lines:
        text = _join_text(text, line.text)
    return text


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
        if out and out[-1].text and (glue_next or text in {",", ".", ";"} or
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
    """Lines by the section they stand in; ``head`` is everything before the first heading.

    A list item is never a heading (the page's navigation lists "Abstract",
    "Cited by", "References" as links); "Keywords: a; b" opens the keywords.
    """
    sections: dict[str, list[_Line]] = {"head": []}
    current = "head"
    for line in lines:
        kind = None if line.item else _heading(line.text)
        if kind == "keywords_inline":
            current = "keywords"
            sections.setdefault(current, []).append(line)
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


def _is_list_control(text: str) -> bool:
    return text.lower().startswith(_LIST_CONTROLS)


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


def _journal_before(before: list[_Line]) -> str | None:
    """The journal printed on its own line above ". 2024 Mar;24(3):412-421." (a button on the page).

    Only the few lines just above are looked at, skipping the journal's own
    menu ("Actions", "Search in PubMed", ...), which dumps print as list items.
    """
    for line in reversed(before[-8:]):
        text = line.text
        if not text or line.item or _is_furniture(text):
            continue
        if len(text) < 100 and not text.endswith(".") and not re.search(r"\d{4}|[;:]", text):
            return text
        return None
    return None


_PARTICLES = frozenset("van von der den de del della di da dos du la le ten ter bin al el".split())


def _shown_author(name: str) -> Author:
    """An author as the article's author list shows it: "Ningdao Li", "Lucas van Dijk", "Powell DJ"."""
    author = parse_author(name)
    if author.family is None:
        words = name.split()
        at = next((i for i in range(1, len(words) - 1) if words[i].lower() in _PARTICLES), None)
        if at is not None and len(words) <= 5 and words[0][:1].isupper():
            return Author(name, " ".join(words[at:]), " ".join(words[:at]))
    return author


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
    authors = tuple(_shown_author(n) for n in names)
    if any(a.family is None for a in authors) and len(authors) > 1:
        return None
    return authors, et_al


def _title(head: list[_Line], start: int) -> tuple[str, int, int] | None:
    """The article's title: (text, first line, last line); a dump may wrap it over lines."""
    for i in range(start, len(head)):
        text = head[i].text
        if not text or head[i].item or _is_furniture(text) or _DOI_IN_LINE.match(text):
            continue
        if len(text.split()) < 2 and len(text) <= 20:
            continue
        last = i
        while not re.search(r"[.?!]$", head[last].text) and last + 1 < len(head):
            following = head[last + 1]
            if not following.text or following.item or _is_furniture(following.text):
                break
            if not following.text[0].islower() and _parse_author_line(following.text):
                break
            last += 1
        title = _join_lines(head[i:last + 1])
        if not title.endswith(".."):
            title = re.sub(r"\s*\.$", "", title)
        return title, i, last
    return None


def _authors_after(head: list[_Line], start: int, title: str) -> tuple[tuple[Author, ...], bool] | None:
    """The author list below the title: the next paragraph, which a dump may wrap."""
    for i in range(start, min(start + 5, len(head))):
        text = head[i].text
        if not text:
            continue
        if text.rstrip(".") == title or _is_furniture(text):
            return None
        last = i
        while last + 1 < len(head) and last - i < 8:
            following = head[last + 1]
            if not following.text or following.item or _is_furniture(following.text):
                break
            last += 1
        return _parse_author_line(_join_lines(head[i:last + 1])) or _parse_author_line(text)
    return None


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
    """The keywords: the first paragraph after "Keywords:" (a dump may wrap it)."""
    lines = [line for line in section if line.text]
    if lines and re.fullmatch(r"keywords\s*:?", lines[0].text, re.I):
        section = section[section.index(lines[0]) + 1:]
    paragraphs = _paragraphs(section)
    if not paragraphs:
        return ()
    text = _join_lines(paragraphs[0])
    text = re.sub(r"^\s*keywords\s*:?\s*", "", text, flags=re.I).strip().rstrip(".")
    return tuple(k.strip() for k in re.split(r"\s*;\s*", text) if k.strip())


_ABSTRACT_LABEL = re.compile(r"[A-Z][A-Z ,&/-]{2,60}:")  # "METHODS:", "BACKGROUND AND OBJECTIVES:"


def _abstract(section: list[_Line]) -> str | None:
    # a label printed on its own line opens a paragraph even where no blank
    # line stands before it (BeautifulSoup's get_text())
    blocks: list[_Line] = []
    for line in section:
        if _ABSTRACT_LABEL.fullmatch(line.text) and blocks and blocks[-1].text:
            blocks.append(_Line("", line.number))
        blocks.append(line)
    paragraphs = []
    for paragraph in _paragraphs(blocks):
        text = _join_lines([line for line in paragraph
                            if not line.text.lower().startswith(("copyright", "\u00a9"))])
        if _is_furniture(text):
            continue
        if paragraphs and _ABSTRACT_LABEL.fullmatch(paragraphs[-1]):
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
    # a PubMed page links articles relatively ("/38376543/"); saved, or dumped
    # from a saved file, the link reads "file:///38376543/"
    ("pmid", re.compile(r"^(?:file://(?:localhost)?|(?:https?:)?//localhost)?/(\d{1,9})/?(?:[?#].*)?$")),
    ("doi", re.compile(r"doi\.org/(10\.\d{4,9}/[^\s?#\"']+)")),
)


def ids_from_urls(urls: tuple[str, ...] | list[str]) -> dict[str, str]:
    """PMID, PMCID and DOI carried by link targets.

    Examples
    --------
    >>> ids_from_urls(["https://pubmed.ncbi.nlm.nih.gov/31728223/", "https://doi.org/10.1000/X"])
    {'pmid': '31728223', 'doi': '10.1000/x'}
    >>> ids_from_urls(["/38376543/", "https://doi.org/10.1016/S0268-0033%2818%2930117-5"])
    {'pmid': '38376543', 'doi': '10.1016/s0268-0033(18)30117-5'}
    """
    found: dict[str, str] = {}
    for url in urls:
        for field, pattern in _ID_FROM_URL:
            m = pattern.search(url)
            if m and field not in found:
                value = m.group(1)
                if field == "doi":
                    value = normalize_doi(unquote(value)) or ""
                elif field == "pmcid":
                    value = value.upper()
                elif field == "pmid":
                    value = normalize_pmid(value) or ""
                if value:
                    found[field] = value
    return found


# a line that holds nothing but the labels of a reference's links: "- PubMed - PMC"
_LINK_LABELS_ONLY = re.compile(
    r"^(?:[-\u2013]?\s*(?:PubMed|PMC|DOI|Free PMC article|PubMed Central|Europe PMC|CrossRef|Crossref|"
    r"Google Scholar|Full Text|Article)\s*)+[-\u2013]?$", re.I)


def _entries(section: list[_Line]) -> list[tuple[str, tuple[str, ...], int]]:
    """Reference entries: (text, urls, line number); an entry may span lines.

    Entries open with a list number or a bullet; where there are none (the
    flattened HTML), each paragraph is an entry.
    """
    marked = any(line.item or _ENTRY_START.match(line.text) for line in section)
    entries: list[list | None] = []
    for at, line in enumerate(section):
        text = line.text
        if not text:
            if not marked:
                entries.append(None)
            continue
        if _is_list_control(text) or re.fullmatch(r"\d+ references?", text.lower()):
            continue
        if _BARE_NUMBER.match(text):
            # a list number alone on its line when the next line opens the
            # entry; else the wrapped end of one ("... Geneva: WHO;" / "1994.")
            following = next((x for x in section[at + 1:] if x.text), None)
            if following is not None and (following.item or _ENTRY_START.match(following.text)):
                continue
        opens = line.item or bool(_ENTRY_START.match(text))
        if marked:
            target = None if opens else entries[-1] if entries else None
            if not opens and target is None:
                continue  # text before the first entry
        elif _LINK_LABELS_ONLY.match(text):
            # a reference's links printed as a list of their own: they belong to it
            target = next((e for e in reversed(entries) if e), None)
        else:
            target = entries[-1] if entries else None
        if target is not None:
            target[0] = _join_text(target[0], text)
            target[1].extend(line.urls)
            continue
        entries.append([_ENTRY_START.sub("", text), list(line.urls), line.number])
    return [(e[0], tuple(e[1]), e[2]) for e in entries if e and e[0].strip()]


def _reference(text: str, urls: tuple[str, ...]) -> Work:
    work = parse_reference(text)
    ids = ids_from_urls(urls)
    return work.replace(**{k: v for k, v in ids.items() if getattr(work, k) is None})


# "Eur Spine J. 2025 Jan;34(1):55-68." inside a docsum, after its title and
# authors: the journal is the run without a period before ". 2025"
_DOCSUM_CITATION = re.compile(
    rf"(?:^|(?<=[.?!]\s))(?P<journal>[^.;]+?)\.\s+(?P<year>(?:1[89]|20)\d{{2}})"
    rf"(?:\s+(?P<month>{_MONTH})(?:-{_MONTH})?(?:\s+\d{{1,2}}(?:-\d{{1,2}})?)?)?"
    rf"(?:\s*;\s*(?P<volume>[^\s(:;.]+)?\s*(?:\((?P<issue>[^)]*)\))?"
    rf"(?:\s*:\s*(?P<pages>[A-Za-z]?\d+[A-Za-z]?(?:\s*-\s*[A-Za-z]?\d+[A-Za-z]?)?))?)?\s*\.")
# an author list as docsums print it: "Okonkwo AC, Lindgren M, Haddad R", "Tanaka H, et al"
_DOCSUM_NAME = re.compile(r"^[^\W\d_][\w'\u2019-]*(?:\s+[^\W\d_][\w'\u2019-]*)*\s+[A-Z]{1,4}$")


def _docsum_authors(text: str) -> tuple[tuple[Author, ...], bool] | None:
    parts = [p.strip() for p in re.split(r"\s*,\s*", text.strip().rstrip(".")) if p.strip()]
    names = [p for p in parts if not re.fullmatch(r"et al\.?", p)]
    if not names or not all(_DOCSUM_NAME.match(p) for p in names):
        return None
    return tuple(parse_author(p) for p in names), len(names) < len(parts)


def _docsum(lines: list[_Line]) -> Work | None:
    """One "Cited by" entry: title, authors, citation, "PMID: n", labels.

    A browser prints each on its own line; lynx and w3m run the authors, the
    short authors ("Okonkwo AC, et al."), the citation and the short citation
    into one wrapped paragraph.  The citation is found first; before it stand
    the title and the author lists, told apart by their form.
    """
    texts = [line for line in lines if line.text]
    if not texts:
        return None
    joined = _join_lines(texts)
    urls = tuple(u for line in lines for u in line.urls)
    fields: dict = {"raw": joined}
    m = _DOCSUM_CITATION.search(joined)
    if m:
        fields.update(journal=m.group("journal").strip(), year=int(m.group("year")),
                      month=m.group("month"), volume=m.group("volume"), issue=m.group("issue"),
                      pages=_expand(m.group("pages")))
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", joined[:m.start("journal")].strip()) if s]
        at = next((i for i, s in enumerate(sentences) if _docsum_authors(s)), None)
        if at is not None:
            fields["authors"], fields["et_al"] = _docsum_authors(sentences[at])
            sentences = sentences[:at]
        fields["title"] = " ".join(sentences) or None
        after = joined[m.end():]
    else:
        fields["title"] = texts[0].text
        after = joined
    if fields.get("title") and not fields["title"].endswith(".."):
        fields["title"] = fields["title"].rstrip(".").strip()
    if (pmid := _PMID_IN_LINE.search(after)):
        fields["pmid"] = str(int(pmid.group(1)))
    if (doi := _DOI_IN_LINE.search(after)):
        fields["doi"] = normalize_doi(doi.group(1))
    labels = re.split(r"\.\s*", after[pmid.end():] if pmid else "")
    fields["publication_types"] = tuple(_PUBLICATION_TYPES_LOWER[x.strip().lower()] for x in labels
                                        if x.strip().lower() in _PUBLICATION_TYPES_LOWER)
    for key, value in ids_from_urls(urls).items():
        fields.setdefault(key, value)
    return Work(**{k: v for k, v in fields.items() if v is not None})


def _cited_by(section: list[_Line]) -> list[Work]:
    """The works under "Cited by", one per docsum.

    Docsums are list items where a dump printed bullets; elsewhere one ends
    at its "PMID: n" line, or at a blank line once it holds a citation.
    """
    lines = [line for line in section if not _is_list_control(line.text)]
    groups: list[list[_Line]] = [[]]
    if any(line.item for line in lines):
        for line in lines:
            if line.item:
                groups.append([line])
            elif line.text and len(groups) > 1:
                groups[-1].append(line)
    else:
        for line in lines:
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
            if merged and not _PMID_IN_LINE.search(_join_lines(merged[-1])) and \
                    not _DOCSUM_CITATION.search(_join_lines(merged[-1])):
                merged[-1].extend(group)
            else:
                merged.append(list(group))
        groups = merged
    works = [_docsum(group) for group in groups if group]
    return [w for w in works if w is not None and (w.title or w.pmid)]


def _expand(pages: str | None) -> str | None:
    if not pages:
        return None
    from ..references import expand_page_range
    return expand_page_range(re.sub(r"\s+", "", pages))


# -- the text reader ---------------------------------------------------------

def parse_pubmed_text(text: str, path: str = "<string>", *,
                      source_format: str = NAME) -> Record:
    """Read the text of a PubMed page into a :class:`~citegraph.model.Record`.

    A page without a citation line ("Journal. 2025 Aug;34(8):1-9.") holds no
    article this reader can anchor on: the record then has an empty ``Work``.

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
    source = Source(path, source_format, index=1)
    lines = _lines(text)
    # The citation line anchors the article: what stands before it is the
    # page's banner and menus (and the publication type label), what follows
    # is the article, then its sections.
    found = _find_citation(lines)
    if found is None:
        return Record(work=Work(), source=source)
    start, m = found
    before = lines[:start]
    sections = _sections(lines[start:])
    head = sections["head"]
    fields: dict = dict(year=int(m.group("year")), month=m.group("month"), volume=m.group("volume"),
                        issue=m.group("issue"), pages=_expand(m.group("pages")))
    fields["journal"] = m.group("journal").strip() or None
    if (doi := _DOI_IN_LINE.search(_join_lines(head[:3]))):
        fields["doi"] = normalize_doi(doi.group(1))

    # the title, then the authors below it
    title = _title(head, 1)
    if title is not None:
        fields["title"] = title[0]
        if (parsed := _authors_after(head, title[2] + 1, title[0])):
            fields["authors"], fields["et_al"] = parsed

    # the short citation under the repeated title: "Ningdao Li et al. Eur Spine J. 2025 Aug."
    for line in head:
        short = _SHORT_CITATION.match(line.text)
        if short and short.group("author") and len(short.group("author").split()) <= 5:
            if not fields.get("authors"):
                parsed = _parse_author_line(short.group("author"))
                if parsed:
                    fields["authors"] = parsed[0]
                    fields["et_al"] = bool(short.group("etal"))
            if not fields.get("journal"):
                fields["journal"] = short.group("journal").strip()
            break
    if not fields.get("journal"):
        fields["journal"] = _journal_before(before)

    # identifiers shown in the article's own part of the page (never in lists)
    for line in head + sections.get("pmid", []):
        if "pmid" not in fields and (found_id := _PMID_IN_LINE.search(line.text)):
            fields["pmid"] = str(int(found_id.group(1)))
        if "pmcid" not in fields and (found_id := _PMCID_IN_LINE.search(line.text)):
            fields["pmcid"] = found_id.group(1).upper()
        if "doi" not in fields and (found_id := re.search(r"\bDOI:\s*(10\.\d{4,9}/\S+)", line.text, re.I)):
            fields["doi"] = normalize_doi(found_id.group(1))
    if "pmid" not in fields:
        pmid_section = sections.get("pmid", [])
        number = next((line.text for line in pmid_section if re.fullmatch(r"\d{1,9}", line.text)), None)
        if number:
            fields["pmid"] = str(int(number))

    abstract_lines = sections.get("abstract", [])
    if abstract_lines and any(len(x.text.split()) >= 8 for x in abstract_lines):
        fields["abstract"] = _abstract(abstract_lines)
    elif title is not None:
        fields["abstract"] = _legacy_abstract(head[title[2] + 1:])
    fields["keywords"] = _keywords(sections.get("keywords", []))
    fields["publication_types"] = _publication_types(before[-3:] + head,
                                                     sections.get("publication_types", []))
    fields = {k: v for k, v in fields.items() if v is not None}

    references = tuple(_reference(text_, urls) for text_, urls, _ in
                       _dedupe(_entries(sections.get("references", []))))
    cited_by = tuple(_cited_by(sections.get("cited_by", [])))
    return Record(work=Work(**fields), source=source, references=references, cited_by=cited_by)


def _legacy_abstract(lines: list[_Line]) -> str | None:
    """The pre-2020 page prints the abstract with no heading: the long paragraph before "PMID:"."""
    for paragraph in _paragraphs(lines):
        # a saved HTML page has no blank lines: there, each block is a line
        blocks = [_join_lines(paragraph)] if len(paragraph) <= 12 else [x.text for x in paragraph]
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

# Buttons are left inline, as a browser shows them: PubMed prints keywords and
# publication types as buttons inside one paragraph or list item.
_BLOCK_TAGS = frozenset("""address article aside blockquote br dd div dl dt fieldset figcaption figure
footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul
""".split())
_SKIP_TAGS = frozenset("script style noscript svg template head iframe select".split())


def _html_lines(root) -> str:
    """The text a browser would show, one block per paragraph, links kept as markdown.

    Whitespace inside a block collapses to one space, as a browser shows it;
    each block stands apart, as a paragraph does in text copied from a browser.
    A link keeps its target (parentheses escaped) when it is a web address or
    a path on the site.
    """
    parts: list[str] = []

    def flow(text: str | None) -> None:
        if text:
            parts.append(re.sub(r"\s+", " ", text))

    def walk(el) -> None:
        if not isinstance(el.tag, str):  # comments and processing instructions
            flow(el.tail)
            return
        tag = el.tag.lower()
        if tag in _SKIP_TAGS or (el.get("hidden") is not None and tag != "ol") \
                or "display:none" in (el.get("style") or "").replace(" ", ""):
            flow(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        href = (el.get("href") or "").strip()
        if tag == "a" and re.match(r"(?:https?:)?/\S*$", href):
            target = href.replace("(", "%28").replace(")", "%29")
            text = " ".join(el.text_content().split()).replace("[", "(").replace("]", ")")
            parts.append(f" [{text}]({target}) ")
        else:
            flow(el.text)
            for child in el:
                walk(child)
        if block:
            parts.append("\n")
        flow(el.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(parts).replace("\xa0", " ").split("\n"))
    return "\n\n".join(line for line in lines if line)


def _meta(root, name: str) -> list[str]:
    return [m.get("content", "").strip() for m in root.iter("meta")
            if (m.get("name") or "").lower() == name and m.get("content", "").strip()]


def _align_authors(shown: tuple[Author, ...], listed: list[str]) -> tuple[Author, ...]:
    """Family names from ``citation_authors`` ("van Dijk L") for the names as shown ("Lucas van Dijk")."""
    if len(listed) != len(shown):
        return shown
    out = []
    for author, entry in zip(shown, listed):
        family = parse_author(entry).family
        if family and author.name.endswith(family) and author.name != family:
            given = author.name[:-len(family)].strip() or None
            out.append(Author(author.name, family, given))
        else:
            out.append(author)
    return tuple(out)


def parse_pubmed_html(html: str, path: str = "<string>") -> Record:
    """Read a saved PubMed page (HTML) into a :class:`~citegraph.model.Record`.

    The page's text is read as a browser shows it; the ``citation_*`` meta
    tags then give the exact title, volume, issue, DOI and PMID, fill a journal
    or an author list the text lacked, and settle family names.
    """
    import lxml.html  # only HTML input pays for lxml's import

    root = lxml.html.document_fromstring(html.lstrip("\ufeff").encode("utf-8", "surrogatepass"),
                                         parser=lxml.html.HTMLParser(encoding="utf-8",
                                                                     no_network=True))
    body = root.find("body")
    record = parse_pubmed_text(_html_lines(body if body is not None else root), path)
    work = record.work
    meta: dict = {}
    if (title := _meta(root, "citation_title")):
        meta["title"] = title[0].rstrip(".")
    for field in ("volume", "issue"):
        if (value := _meta(root, f"citation_{field}")):
            meta[field] = value[0]
    if (doi := _meta(root, "citation_doi")):
        meta["doi"] = normalize_doi(doi[0])
    if (pmid := _meta(root, "citation_pmid")) and (number := normalize_pmid(pmid[0])):
        meta["pmid"] = number
    # the journal as the page shows it (an abbreviation) stays; PubMed's
    # citation_journal_title is the full name, its citation_publisher the abbreviation
    if not work.journal and (journal := _meta(root, "citation_journal_abbrev")
                             or _meta(root, "citation_publisher") or _meta(root, "citation_journal_title")):
        meta["journal"] = journal[0]
    if work.year is None and (date := _meta(root, "citation_date")) and \
            (year := re.search(r"\b(?:1[89]|20)\d{2}\b", date[0])):
        meta["year"] = int(year.group(0))
    listed = [n for n in re.split(r"\s*;\s*", (_meta(root, "citation_authors") or [""])[0]) if n]
    if listed and not work.authors:
        meta["authors"] = tuple(parse_author(n) for n in listed)
    elif listed:
        meta["authors"] = _align_authors(work.authors, listed)
    # the text reader saw the page; the meta tags are the publisher's own record
    work = work.replace(**{k: v for k, v in meta.items() if v})
    return Record(work=work, source=Source(path, NAME, index=1),
                  references=record.references, cited_by=record.cited_by)
