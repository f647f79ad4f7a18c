"""PubMed XML: the ``PubmedArticleSet`` files of E-utilities efetch and the PubMed baseline.

A file holds ``PubmedArticle`` records (journal articles) and
``PubmedBookArticle`` records (books and chapters, such as GeneReviews).  Each
becomes one :class:`~citegraph.model.Record`:

* the article: title, authors (``CollectiveName`` as a group author), journal
  (``ISOAbbreviation``, else ``Title``), year (``PubDate/Year``, else the first
  year of ``MedlineDate``), month, volume, issue, pages (``MedlinePgn``
  expanded: ``903-9`` is ``903-909``), abstract, keywords, publication types and
  every ``ArticleId`` (pubmed, doi, pmc);
* its references: every ``ReferenceList/Reference`` (lists nested in lists
  too), the ``Citation`` string read by :func:`~citegraph.references.parse_reference`
  and every ``ArticleId`` of the reference kept over what the string says;
  then every ``CommentsCorrections RefType="Cites"`` (older records list their
  references that way), its ``RefSource`` parsed and its PMID kept, unless the
  reference list already holds that PMID.

The file is streamed with :func:`lxml.etree.iterparse` and each finished record
is dropped from memory, so a 1 GB baseline file is read in bounded memory.
Entities are never expanded, no DTD is loaded and nothing is fetched.

The XML plumbing (:func:`xml_root_name`, :func:`iter_xml_records`,
:func:`text_of`) is shared with :mod:`citegraph.formats.jats`.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Collection, Iterator
from functools import partial
from typing import BinaryIO

from lxml import etree

from ..errors import InputError
from ..model import Author, Record, Skipped, Source, Work
from ..references import expand_page_range, parse_reference
from ..resolve.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

__all__ = ["NAME", "sniff", "read", "parse", "xml_root_name", "xml_bytes", "iter_xml_records",
           "text_of", "inner_text", "month_name", "year_of"]

log = logging.getLogger(__name__)

NAME = "pubmed-xml"

_RECORD_TAGS = ("PubmedArticle", "PubmedBookArticle")
_ROOTS = frozenset({"PubmedArticleSet", "PubmedBookArticleSet", "PubmedArticle", "PubmedBookArticle"})

# -- XML plumbing shared by the XML readers ----------------------------------

# What may stand before the root element: a BOM, white space, the XML
# declaration, processing instructions, comments, the DOCTYPE (with or without
# an internal subset).  One character or one construct per repetition, so that
# the pattern cannot backtrack exponentially.
_PROLOG = re.compile(
    r"\A\ufeff?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>)*"
    r"<(?P<name>[A-Za-z_][\w.:-]*)", re.S)


def xml_root_name(head: str) -> str | None:
    """The local name of the root element of an XML document, from its first characters.

    ``None`` when ``head`` does not start as XML does (HTML pages do start so:
    their root is ``html``).

    Examples
    --------
    >>> xml_root_name('<?xml version="1.0"?>\\n<!DOCTYPE PubmedArticleSet PUBLIC "x" "y">\\n<PubmedArticleSet>')
    'PubmedArticleSet'
    >>> xml_root_name("<!-- c --><x:article xmlns:x='u'>"), xml_root_name("Title. Journal. 2005")
    ('article', None)
    """
    m = _PROLOG.match(head)
    if not m:
        return None
    return m.group("name").rpartition(":")[2]


#: Elements whose text stands apart from its neighbours' (paragraphs, headings).
_BLOCKS = frozenset({"p", "title", "sec", "label", "list-item", "AbstractText", "caption",
                     "def-item", "term", "def", "disp-quote"})


def inner_text(element) -> str:
    """The text of an element and its descendants as it stands (white space kept), entity references dropped."""
    if not len(element):
        return element.text or ""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # entity references (never expanded) and the like are dropped
            if tag in _BLOCKS:
                parts.extend((" ", inner_text(child), " "))
            else:
                parts.append(inner_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def text_of(element) -> str | None:
    """The text of an element: inline markup (italic, sup, sub) flattened, white space collapsed.

    ``None`` for a missing or empty element.  An entity reference, which these
    readers never expand, contributes nothing.

    Examples
    --------
    >>> from lxml import etree
    >>> text_of(etree.fromstring("<t>Ca<sup>2+</sup> in  <i>E. coli</i>\\n cells</t>"))
    'Ca2+ in E. coli cells'
    >>> text_of(None), text_of(etree.fromstring("<t> </t>"))
    (None, None)
    """
    if element is None:
        return None
    if not len(element):
        text = element.text
        return " ".join(text.split()) or None if text else None
    return " ".join(inner_text(element).split()) or None


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
_SEASONS = frozenset({"spring", "summer", "fall", "autumn", "winter"})


def month_name(value: str | None) -> str | None:
    """A month as PubMed prints it: ``"Aug"``; seasons kept (``"Spring"``).

    Examples
    --------
    >>> month_name("08"), month_name("august"), month_name("Sep"), month_name("Winter"), month_name("13")
    ('Aug', 'Aug', 'Sep', 'Winter', None)
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        number = int(value)
        return _MONTHS[number - 1] if 1 <= number <= 12 else None
    low = value.lower().rstrip(".")
    for short, full in zip(_MONTHS, _MONTH_NAMES):
        if len(low) >= 3 and full.startswith(low):  # "Aug", "August", "Sept"
            return short
    if low in _SEASONS:
        return value.title()
    return None


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def year_of(value: str | None) -> int | None:
    """The first plausible year (1500-2099) in a string: ``"2008a"`` and ``"1998 Dec-1999 Jan"`` give 2008, 1998.

    Examples
    --------
    >>> year_of("2008a"), year_of("1998 Dec-1999 Jan"), year_of("n.d."), year_of(None)
    (2008, 1998, None, None)
    """
    if not value:
        return None
    m = _YEAR.search(value)
    return int(m.group(1)) if m else None


def _release(element) -> None:
    """Drop a finished record, and whatever came before it, from the tree being built."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def iter_xml_records(stream: BinaryIO, path: str, format_name: str, record_tags: tuple[str, ...],
                     read_record: Callable[[etree._Element, Source], Record | Skipped],
                     root_names: Collection[str]) -> Iterator[Record | Skipped]:
    """Stream the records of an XML file: one ``read_record(element, source)`` per record element.

    The parser expands no entity, loads no DTD and reaches no network.  Each
    record element is released once it is read, so memory stays bounded on
    files of any size.  A record whose reading raises becomes a ``Skipped``.
    XML that breaks after some records yields those records, then one
    ``Skipped`` naming the line where it broke.

    Raises
    ------
    InputError
        When the XML is broken before the first record ends, or when it holds
        no record and its root is none of ``root_names``.
    """
    events = etree.iterparse(stream, events=("end",), tag=record_tags, resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    index = 0
    try:
        for _, element in events:
            index += 1
            source = Source(path, format_name, index=index, line=element.sourceline)
            try:
                result = read_record(element, source)
            except Exception as exc:  # one record that cannot be read never loses the file
                log.debug("%s: cannot read this record", source, exc_info=True)
                result = Skipped(source, f"cannot read this record ({type(exc).__name__}: {exc})")
            _release(element)
            yield result
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or None
        reason = f"not well-formed XML ({exc.msg})" if exc.msg else "not well-formed XML"
        if index == 0:
            raise InputError(path, reason, line=line) from None
        yield Skipped(Source(path, format_name, index=index + 1, line=line),
                      f"{reason}: the file is read up to here, not further")
        return
    except (OSError, EOFError) as exc:  # a truncated or damaged .gz
        if index == 0:
            raise InputError(path, f"cannot be read ({exc})") from None
        yield Skipped(Source(path, format_name, index=index + 1),
                      f"cannot be read further ({exc})")
        return
    if index == 0:
        root = events.root
        tag = etree.QName(root).localname if root is not None and isinstance(root.tag, str) else None
        if tag not in root_names:
            raise InputError(path, f"holds no {' or '.join(record_tags)} (its root element is <{tag}>)")


_XML_ENCODING = re.compile(r"""\A(\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def xml_bytes(text: str) -> bytes:
    """UTF-8 bytes of an XML document held as text, its encoding declaration made to agree."""
    return _XML_ENCODING.sub(r"\1\2utf-8\2", text, count=1).lstrip("\ufeff").encode("utf-8", "surrogatepass")


# -- the format --------------------------------------------------------------

def sniff(head: str) -> bool:
    """Whether a file starts as PubMed XML: its root element is ``PubmedArticleSet`` (or a record).

    Examples
    --------
    >>> sniff('<?xml version="1.0"?><!DOCTYPE PubmedArticleSet><PubmedArticleSet><PubmedArticle>')
    True
    >>> sniff("<html><body>PubmedArticleSet</body></html>"), sniff('<article article-type="x">')
    (False, False)
    """
    return xml_root_name(head) in _ROOTS


def read(stream: BinaryIO, path: str = "<stream>", *,
         parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The records of a PubMed XML file, streamed from a binary stream.

    ``parse_references=False`` keeps each reference as its ``raw`` string and
    the identifiers the file gives, without running the reference parser (the
    parse stage can then run later, or elsewhere).

    Examples
    --------
    >>> import io
    >>> xml = b'''<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>16112300</PMID>
    ... <Article><Journal><JournalIssue><Volume>366</Volume><PubDate><Year>2005</Year></PubDate>
    ... </JournalIssue><ISOAbbreviation>Lancet</ISOAbbreviation></Journal>
    ... <ArticleTitle>Direct decompressive surgical resection.</ArticleTitle>
    ... <Pagination><MedlinePgn>643-8</MedlinePgn></Pagination></Article></MedlineCitation>
    ... <PubmedData><ReferenceList><Reference><Citation>Smith J. A study. J Biol Chem. 1999;274:1-9.</Citation>
    ... <ArticleIdList><ArticleId IdType="pubmed">10364160</ArticleId></ArticleIdList></Reference>
    ... </ReferenceList></PubmedData></PubmedArticle></PubmedArticleSet>'''
    >>> record = next(read(io.BytesIO(xml)))
    >>> record.work.title, record.work.journal, record.work.year, record.work.pages, record.work.pmid
    ('Direct decompressive surgical resection', 'Lancet', 2005, '643-648', '16112300')
    >>> record.references[0].pmid, record.references[0].raw
    ('10364160', 'Smith J. A study. J Biol Chem. 1999;274:1-9.')
    """
    read_record = _read_record if parse_references else partial(_read_record, parse_strings=False)
    return iter_xml_records(stream, path, NAME, _RECORD_TAGS, read_record, _ROOTS)


def parse(text: str, path: str = "<string>", *, parse_references: bool = True) -> Iterator[Record | Skipped]:
    """The records of PubMed XML held in a string."""
    return read(io.BytesIO(xml_bytes(text)), path, parse_references=parse_references)


# -- one record --------------------------------------------------------------

def _children(element) -> dict:
    """The first child of each tag, in one pass: lxml's ``find()`` is slow in a loop this hot."""
    first: dict = {}
    if element is not None:
        for child in element:
            first.setdefault(child.tag, child)
    return first


def _read_record(element, source: Source, parse_strings: bool = True) -> Record | Skipped:
    parts = _children(element)
    if element.tag == "PubmedBookArticle":
        document = parts.get("BookDocument")
        if document is None:
            return Skipped(source, "a PubmedBookArticle without a BookDocument")
        work = _book_work(document, parts.get("PubmedBookData"))
        references = _reference_list(document, parse_strings)
    else:
        citation = parts.get("MedlineCitation")
        article = _children(citation).get("Article")
        if article is None:
            return Skipped(source, "a PubmedArticle without MedlineCitation/Article")
        data = parts.get("PubmedData")
        work = _article_work(citation, article, data)
        references = _reference_list(data, parse_strings) if data is not None else []
        references.extend(_cites(citation, {r.pmid for r in references if r.pmid}, parse_strings))
    if work.title is None and work.pmid is None and work.doi is None:
        return Skipped(source, "a record with no title, PMID or DOI")
    return Record(work=work, source=source, references=tuple(references))


def _article_work(citation, article, data) -> Work:
    fields = _children(article)
    journal = _children(fields.get("Journal"))
    issue = _children(journal.get("JournalIssue"))
    year, month = _pub_date(issue.get("PubDate"))
    ids = _article_ids(_children(data).get("ArticleIdList"))
    doi = ids.get("doi")
    if doi is None:
        for location in article:
            if location.tag == "ELocationID" and location.get("EIdType") == "doi" \
                    and (doi := normalize_doi(location.text)):
                break
    pmid = _children(citation).get("PMID")
    types = fields.get("PublicationTypeList")
    return Work(
        title=_title(fields.get("ArticleTitle")) or _title(fields.get("VernacularTitle")),
        authors=_authors(fields.get("AuthorList")),
        year=year,
        month=month,
        journal=text_of(journal.get("ISOAbbreviation")) or text_of(journal.get("Title")),
        volume=text_of(issue.get("Volume")),
        issue=text_of(issue.get("Issue")),
        pages=_pages(fields.get("Pagination")),
        doi=doi,
        pmid=normalize_pmid(pmid.text if pmid is not None else None) or ids.get("pmid"),
        pmcid=ids.get("pmcid"),
        abstract=_abstract(fields.get("Abstract")),
        keywords=_keywords(citation),
        publication_types=_unique(text_of(t) for t in types if t.tag == "PublicationType")
        if types is not None else (),
    )


def _book_work(document, book_data) -> Work:
    fields = _children(document)
    book = fields.get("Book")
    about_book = _children(book)
    book_title = _title(about_book.get("BookTitle"))
    chapter = _title(fields.get("ArticleTitle"))
    authors: tuple[Author, ...] = ()
    editors: tuple[Author, ...] = ()
    for holder in (document, book):
        for author_list in holder if holder is not None else ():
            if author_list.tag != "AuthorList":
                continue
            if author_list.get("Type") == "editors":
                editors = editors or _authors(author_list)
            else:
                authors = authors or _authors(author_list)
    year, month = _pub_date(about_book.get("PubDate"))
    ids = _article_ids(fields.get("ArticleIdList"))
    for key, value in _article_ids(_children(book_data).get("ArticleIdList")).items():
        ids.setdefault(key, value)
    publisher = _children(about_book.get("Publisher"))
    pmid = fields.get("PMID")
    return Work(
        title=chapter or book_title,
        authors=authors,
        editors=editors,
        year=year,
        month=month,
        journal=book_title if chapter else None,  # a chapter's container is its book
        volume=text_of(about_book.get("Volume")),
        pages=_pages(fields.get("Pagination")),
        publisher=text_of(publisher.get("PublisherName")),
        place=text_of(publisher.get("PublisherLocation")),
        doi=ids.get("doi"),
        pmid=normalize_pmid(pmid.text if pmid is not None else None) or ids.get("pmid"),
        pmcid=ids.get("pmcid"),
        abstract=_abstract(fields.get("Abstract")),
        keywords=_keywords(document),
        publication_types=_unique(text_of(t) for t in document if t.tag == "PublicationType"),
    )


def _unique(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _title(element) -> str | None:
    """A title without PubMed's closing period; a translated title loses its brackets."""
    title = text_of(element)
    if not title:
        return None
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip()
    if title.startswith("[") and title.endswith("]") and title.count("[") == 1:
        title = title[1:-1].strip()
    return title or None


def _authors(author_list) -> tuple[Author, ...]:
    if author_list is None:
        return ()
    authors = []
    for author in author_list:
        if author.tag != "Author" or author.get("ValidYN") == "N":
            continue  # ValidYN="N": a name PubMed keeps only as a record of an error
        parts = {}
        for part in author:
            parts.setdefault(part.tag, part)
        family = text_of(parts.get("LastName"))
        if family:
            given = text_of(parts.get("ForeName")) or text_of(parts.get("Initials"))
            suffix = text_of(parts.get("Suffix"))
            name = " ".join(p for p in (given, family, suffix) if p)
            authors.append(Author(name, family, given))
        elif (group := text_of(parts.get("CollectiveName"))):
            authors.append(Author(group, None, None))
    return tuple(authors)


def _pub_date(pub_date) -> tuple[int | None, str | None]:
    if pub_date is None:
        return None, None
    parts = {child.tag: child.text for child in pub_date}
    year = year_of(parts.get("Year"))
    if year is not None:
        return year, month_name(parts.get("Month") or parts.get("Season"))
    medline = parts.get("MedlineDate") or ""  # "1998 Dec-1999 Jan", "2000 Spring"
    m = re.search(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)(?:\s+([A-Za-z]+))?", medline)
    if not m:
        return None, None
    return int(m.group(1)), month_name(m.group(2))


def _pages(pagination) -> str | None:
    if pagination is None:
        return None
    parts = {child.tag: (child.text or "").strip() for child in pagination}
    pages = parts.get("MedlinePgn")
    if pages:
        return expand_page_range(re.sub(r"\s*-\s*", "-", pages))
    start, end = parts.get("StartPage", ""), parts.get("EndPage", "")
    if start and end and end != start:
        return expand_page_range(f"{start}-{end}")
    return start or None


def _abstract(abstract) -> str | None:
    if abstract is None:
        return None
    parts = []
    for section in abstract:
        if section.tag != "AbstractText":
            continue
        text = text_of(section)
        if text:
            label = (section.get("Label") or "").strip()
            parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts) or None


def _keywords(holder) -> tuple[str, ...]:
    return _unique(text_of(k) for keywords in holder if keywords.tag == "KeywordList"
                   for k in keywords if k.tag == "Keyword")


_ID_TYPES = {"pubmed": ("pmid", normalize_pmid), "doi": ("doi", normalize_doi),
             "pmc": ("pmcid", normalize_pmcid), "pmcid": ("pmcid", normalize_pmcid)}
_ID_TYPES.update({k.upper(): v for k, v in _ID_TYPES.items()})


def _article_ids(id_list) -> dict[str, str]:
    """``{"pmid": ..., "doi": ..., "pmcid": ...}`` from an ArticleIdList; a PMID of 0 is no PMID."""
    ids: dict[str, str] = {}
    if id_list is None:
        return ids
    for article_id in id_list:
        kind = _ID_TYPES.get(article_id.get("IdType"))
        if kind is None or kind[0] in ids:
            continue
        value = kind[1](article_id.text)
        if value:
            ids[kind[0]] = value
    return ids


def _reference_list(holder, parse_strings: bool = True) -> list[Work]:
    """Every ``Reference`` of every ``ReferenceList`` of ``holder``, nested lists included."""
    works = []
    for reference_list in holder:
        if reference_list.tag != "ReferenceList":
            continue
        for reference in reference_list.iter("Reference"):
            work = _reference(reference, parse_strings)
            if work is not None:
                works.append(work)
    return works


def _with(parsed: Work, raw: str, ids: dict[str, str]) -> Work:
    """A parsed reference with ``raw`` and the identifiers of the file put over what the parser found."""
    changes = {k: v for k, v in ids.items() if getattr(parsed, k) != v}
    if parsed.raw != raw:
        changes["raw"] = raw
    return parsed.replace(**changes) if changes else parsed


def _reference(reference, parse_strings: bool = True) -> Work | None:
    text = None
    ids: dict[str, str] = {}
    for child in reference:
        if child.tag == "Citation":
            text = text_of(child)
        elif child.tag == "ArticleIdList":
            ids = _article_ids(child)
    if not text:
        return Work(**ids) if ids else None
    if not parse_strings:
        return Work(raw=text, **ids)
    # the identifiers PubMed linked win over what the string seems to say
    return _with(parse_reference(text), text, ids)


def _cites(citation, known_pmids: set[str], parse_strings: bool = True) -> list[Work]:
    """``CommentsCorrections RefType="Cites"``: "Stat Med. 1989 May;8(5):551-61" and a PMID."""
    works = []
    entries = _children(citation).get("CommentsCorrectionsList")
    for entry in entries if entries is not None else ():
        if entry.get("RefType") != "Cites":
            continue
        parts = _children(entry)
        pmid = normalize_pmid(parts["PMID"].text if "PMID" in parts else None)
        if pmid is not None and pmid in known_pmids:
            continue  # listed in the ReferenceList already
        text = text_of(parts.get("RefSource"))
        if not text:
            if pmid:
                works.append(Work(pmid=pmid))
            continue
        if not parse_strings:
            works.append(Work(raw=text, pmid=pmid))
            continue
        # "...;106(10):null": PubMed's placeholder for pages it does not know
        work = parse_reference(re.sub(r":\s*null\b", "", text))
        if work.journal is None and work.title is not None:
            # a RefSource names a journal and never a title
            work = work.replace(journal=work.title, title=None)
        works.append(_with(work, text, {"pmid": pmid} if pmid else {}))
    return works
