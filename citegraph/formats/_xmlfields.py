"""Small, fast lookups shared by the XML readers (:mod:`.pubmed_xml`, :mod:`.jats`).

The readers run these once or more per element of files that hold millions of
records.  lxml's ``find()``, ``findtext()`` and ``iterfind()`` parse their path
in Python on every call; these walk the children in C with
``iterchildren(tag)`` instead, and answer exactly as those calls do for a
plain tag name or a ``"group/tag"`` path.
"""

from __future__ import annotations

__all__ = ["collapse_space", "first_child", "child_text", "find_in", "first_children"]

#: The white space of ASCII text besides the space itself, as ``str.split()`` sees it.
_ASCII_SPACES = ("\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def collapse_space(text: str) -> str:
    """``" ".join(text.split())``: every run of white space one space, none at the ends.

    A word of letters or digits alone (a name, a year, a volume: "Orr", "HA",
    "2005") has no white space and is given back as it is.  A long ASCII text
    (an abstract) whose only white space is single spaces is only stripped:
    looking for the other white space characters costs a fraction of
    splitting a paragraph into words and joining them again.

    Examples
    --------
    >>> collapse_space(" a  b\\n c "), collapse_space("x" * 60 + "  y") == "x" * 60 + " y"
    ('a b c', True)
    """
    if text.isalnum():  # no white space character is a letter or a digit
        return text
    if len(text) > 100 and text.isascii() and "  " not in text:
        for space in _ASCII_SPACES:
            if space in text:
                break
        else:
            return text.strip()
    return " ".join(text.split())


def first_child(element, tag: str):
    """The first child called ``tag`` (``element.find(tag)``); ``None`` for none, or for no ``element``.

    Examples
    --------
    >>> from lxml import etree
    >>> first_child(etree.fromstring("<a><b>1</b><c/><b>2</b></a>"), "b").text, first_child(None, "b")
    ('1', None)
    """
    return next(element.iterchildren(tag), None) if element is not None else None


def child_text(element, tag: str) -> str | None:
    """``element.findtext(tag)``: the text of the first child called ``tag``, ``""`` if it has none, else ``None``.

    Examples
    --------
    >>> from lxml import etree
    >>> date = etree.fromstring("<date><year>2007</year><month/></date>")
    >>> child_text(date, "year"), child_text(date, "month"), child_text(date, "day")
    ('2007', '', None)
    """
    for child in element.iterchildren(tag):
        return child.text or ""
    return None


def find_in(element, group: str, tag: str):
    """``element.find("group/tag")``: the first ``tag`` child of any ``group`` child, in document order.

    Examples
    --------
    >>> from lxml import etree
    >>> meta = etree.fromstring("<m><g/><g><t>x</t></g></m>")
    >>> find_in(meta, "g", "t").text, find_in(meta, "g", "u")
    ('x', None)
    """
    for holder in element.iterchildren(group):
        for found in holder.iterchildren(tag):
            return found
    return None


def first_children(element) -> dict:
    """The first child of each tag, in one pass; ``{}`` for no element.

    Examples
    --------
    >>> from lxml import etree
    >>> author = etree.fromstring("<a><Last>1</Last><Aff/><Last>2</Last><Fore>3</Fore></a>")
    >>> {tag: e.text for tag, e in first_children(author).items()}, first_children(None)
    ({'Last': '1', 'Aff': None, 'Fore': '3'}, {})
    """
    first: dict = {}
    if element is not None:
        for child in element:
            tag = child.tag
            if tag not in first:
                first[tag] = child
    return first
