"""Field values from labelled text: names, pages, volume and issue, years.

Each function takes the text of one field as the tagger (or a rule) found it
and returns the value a :class:`~citegraph.model.Work` holds.
"""

from __future__ import annotations

import re

from ..model import Author

__all__ = ["parse_author", "parse_authors", "parse_editors", "expand_page_range", "parse_pages",
           "parse_volume_issue", "find_year", "clean_title", "clean_container", "clean_phrase"]

# -- names -------------------------------------------------------------------

_UP = "A-Z\u00c0-\u00de\u0100-\u017f\u0391-\u03a9\u0410-\u042f"
_INITIAL = rf"(?:[{_UP}]\.?|[{_UP}][a-z]\.)"
_INITIALS = rf"(?:{_INITIAL}(?:\s?-?\s?{_INITIAL}){{0,3}})"
_PARTICLE = r"(?:van|von|der|den|de|del|della|dei|degli|di|da|dos|das|do|du|la|le|ten|ter|bin|al|el|ibn|zu|vom|zur|St\.?)"
_PARTICLES = frozenset("van von der den de del della dei degli di da dos das do du la le ten ter "
                       "bin al el ibn zu vom zur".split())
_SUFFIX = re.compile(r"^(?:Jr|Sr|Jnr|Snr|II|III|IV|2nd|3rd)\.?$", re.I)
_GROUP_WORDS = frozenset("""group collaboration collaborative consortium committee society association
organization organisation investigators team network council institute institution agency
department ministry office board foundation federation union commission centre center college
academy task force panel working party bureau program programme registry alliance trust
services administration authority""".split())

# "Yahanda AT", "Steiger H-J", "van der Berg JC", "Haiman Z.", "COLLMAN J.P."
_FAMILY_INITIALS = re.compile(
    rf"^(?P<family>(?:{_PARTICLE}\s+)*[^\W\d_][\w'\u2019-]*(?:[\s-][{_UP}][\w'-]+)??)"
    rf",?\s+(?P<given>(?:[{_UP}]{{1,3}}|{_INITIALS})(?:\s+(?:Jr|Sr|II|III)\.?)?)$")
# "J. Smith", "J.P. Collman", "S. L. Peyton Jones", "W.-P. de Roever"
_INITIALS_FAMILY = re.compile(rf"^(?P<given>{_INITIALS})(?:(?<=\.)\s*|\s+)(?P<family>[^\W\d_].*)$")
# "Bugnon (A.-L.)"
_FAMILY_PAREN = re.compile(r"^(?P<family>[^()]+?)\s*\((?P<given>[^()]+)\)$")
_ET_AL = re.compile(r"(?:[,;]?\s*\b(?:et\.?\s*al\b\.?|and others\b|u\.\s?a\.|et coll\b\.?|a kol\b\.?)|\s*(?:\.\.\.|…))", re.I)
_MAY_CUT_SHORT = re.compile(r"et|others|u\.|kol|\.\.\.|…", re.I)
_INITIALS_ONLY = re.compile(rf"^{_INITIALS}$")
_INITIALS_SUFFIX = re.compile(rf"{_INITIALS}(?:\s+(?:Jr|Sr)\.?)?")
_ENDS_WITH_INITIAL = re.compile(rf"(?:^|[\s.-]){_INITIAL}\.$")
_GIVEN_WORD = re.compile(rf"[{_UP}][\w'-]*\.?|{_INITIALS}")
_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")


def _is_group(name: str) -> bool:
    """A name of an organization: it has a word like "Group" or "Society", or it is long
    and has no initials."""
    words = name.lower().replace(",", " ").replace(".", " ").replace("(", " ").split()
    return not _GROUP_WORDS.isdisjoint(words) or len(words) > 5 and not any(
        len(w) == 1 for w in words)


def parse_author(name: str) -> Author:
    """One author name into family and given parts.

    Examples
    --------
    >>> parse_author("Steiger H-J")
    Author(name='Steiger H-J', family='Steiger', given='H-J')
    >>> parse_author("Ningdao Li")
    Author(name='Ningdao Li', family='Li', given='Ningdao')
    >>> parse_author("WHO Collaborative Study Group").is_group
    True
    >>> parse_author("S. L. Peyton Jones"), parse_author("Romero, C.")
    (Author(name='S. L. Peyton Jones', family='Peyton Jones', given='S. L.'), Author(name='Romero, C.', family='Romero', given='C.'))
    >>> parse_author("Gerhardsson de Verdier M").family, parse_author("Jean-Paul de la Fontaine").family
    ('Gerhardsson de Verdier', 'de la Fontaine')
    """
    name = " ".join(name.split()).strip(" ,;:")
    if name.endswith(".") and not _ENDS_WITH_INITIAL.search(name, max(0, len(name) - 6)):
        name = name[:-1]
    if not name:
        return Author(name, None, None)
    if "," in name:
        family, _, given = name.partition(",")
        family, given = family.strip(), given.strip(" ,")
        if given and not _is_group(name) and len(family.split()) <= 4:
            return Author(name, family, given)
    m = _FAMILY_PAREN.match(name)
    if m and _INITIALS_ONLY.match(m.group("given").strip()):
        return Author(name, m.group("family").strip(), m.group("given").strip())
    m = _FAMILY_INITIALS.match(name)
    if m and not (m.group("family").isupper() and len(m.group("family")) <= 3 and
                  not m.group("given").isupper()) and not _is_group(m.group("family")):
        return Author(name, m.group("family"), m.group("given"))
    if _is_group(name):
        return Author(name, None, None)
    m = _INITIALS_FAMILY.match(name)
    if m and not _INITIALS_ONLY.match(name):
        return Author(name, m.group("family").strip(), m.group("given").strip())
    words = name.split()
    if len(words) == 1:
        return Author(name, name, None)
    last = words[-1]
    if len(words) > 2 and len(last) <= 3 and last.isalpha() and last.isupper() \
            and any(w.lower() in _PARTICLES for w in words[1:-2]) and words[-2].lower() not in _PARTICLES:
        # "Gerhardsson de Verdier M", "Jansen van Vuren P": the NLM order, with a particle
        # inside the family name (_FAMILY_INITIALS takes particles only before it); a family
        # name never ends in a particle, so "Jean de la FOX" stays given first
        return Author(name, " ".join(words[:-1]), last)
    # "Marc Shapiro", "Jean-Paul de la Fontaine", "Arifah Che Alhadi": given names first;
    # the family name starts at a particle, else it is the last word
    for i in range(1, len(words)):
        if words[i].lower() in _PARTICLES and i < len(words) - 1:
            return Author(name, " ".join(words[i:]), " ".join(words[:i]))
    if _SUFFIX.match(words[-1]) and len(words) > 2:
        return Author(name, words[-2], " ".join(words[:-2] + words[-1:]))
    return Author(name, words[-1], " ".join(words[:-1]))


def _family_like(part: str) -> bool:
    """One family name alone ("Romero", "de la Macorra", "CASS", "Pérez-Higueras")."""
    words = part.split()
    if not words or len(words) > 4 or len(part) == 1 or "." in part and _INITIALS_ONLY.match(part):
        return False
    if any(not _WORD.fullmatch(w) for w in words):
        return False
    if len(words) > 1 and not all(w.lower() in _PARTICLES for w in words[:-1]) and \
            not (len(words) == 2 and words[0][0].isupper() and words[1][0].isupper()
                 and len(words[0]) > 2 and len(words[1]) > 2):
        return False
    return not (len(words[-1]) <= 3 and words[-1].isupper() and len(words) > 1)


def _given_like(part: str, inverted: bool) -> bool:
    """Given names after an inverted family name ("C.", "J. P.", "Gillian", "Nicholson B.")."""
    if _INITIALS_ONLY.match(part) or _INITIALS_SUFFIX.fullmatch(part):
        return True
    words = part.split()
    if not words or len(words) > 3 or not inverted:
        return False
    return all(_GIVEN_WORD.fullmatch(w) for w in words)


_SPLIT_NAMES = re.compile(
    r"(\s*(?:,?\s+(?:and|und|et|y|e|en|og|och|i)\s+|,?\s*&\s*|,)\s*)")


_FAST_FAMILY = r"[^\W\d_][^\W\d_'\u2019-]*(?:['\u2019-][^\W\d_]+)*"
_FAST_INITIALS = r"[A-Z]\.(?: ?-?[A-Z]\.){0,3}"
_NLM_LIST = re.compile(rf"(?:{_FAST_FAMILY} [A-Z]{{1,3}}, )*{_FAST_FAMILY} [A-Z]{{1,3}}")
_LIST_SEPARATOR = re.compile(r",? and |,? & |, ")
_GIVEN_FIRST_LIST = re.compile(
    rf"(?:{_FAST_INITIALS} ?{_FAST_FAMILY}(?:,? and |,? & |, ))*{_FAST_INITIALS} ?{_FAST_FAMILY}")
_INVERTED_SEPARATOR = re.compile(r"(?<=\.)(?:,? (?:& |and )|, )")
_INVERTED_LIST = re.compile(
    rf"(?:{_FAST_FAMILY}, {_FAST_INITIALS}(?:,? (?:& |and )|, ))*{_FAST_FAMILY}, {_FAST_INITIALS}")
_GIVEN_FIRST_NAME = re.compile(rf"({_FAST_INITIALS}) ?({_FAST_FAMILY})")
_ONE_INVERTED = re.compile(
    rf"({_FAST_FAMILY}), ([A-Z][a-z][\w'-]*(?: (?!And\b|Et\b|Und\b)[A-Z](?:[\w'-]*|\.)){{0,2}})")
_NLM_DOTTED_NAME = re.compile(rf"({_FAST_FAMILY}) ({_FAST_INITIALS})")
_NLM_DOTTED_LIST = re.compile(rf"(?:{_FAST_FAMILY} {_FAST_INITIALS}, )*{_FAST_FAMILY} {_FAST_INITIALS}")


def _pair_all(parts: list[str], seps: list[str]) -> bool:
    """Every name inverted: "Family, Given, Family, Given"."""
    if len(parts) < 4 or len(parts) % 2:
        return False
    return all(_family_like(parts[i]) and " " not in parts[i].strip() and
               _given_like(parts[i + 1], inverted=True) and seps[i].strip() == ","
               for i in range(0, len(parts), 2))


def parse_authors(text: str) -> tuple[tuple[Author, ...], bool]:
    """An author list into authors and an "et al." flag.

    Names may be inverted ("Romero, C., Paunesku, D., & Dweck, C."), given
    first ("D. Georgakopoulos, M. Rusinkiewicz, and A. Sheth"), in the NLM
    form ("Chang SY, Mok S"), or mixed as Chicago has it ("Lee, L. L., W. E.
    Howard, and R. E. Marsh").

    Examples
    --------
    >>> authors, et_al = parse_authors("Chang SY, Mok S, Park SC et al")
    >>> [a.family for a in authors], et_al
    (['Chang', 'Mok', 'Park'], True)
    >>> [(a.family, a.given) for a in parse_authors("Romero, C., Paunesku, D., & Dweck, C.")[0]]
    [('Romero', 'C.'), ('Paunesku', 'D.'), ('Dweck', 'C.')]
    >>> [(a.family, a.given) for a in parse_authors("Lee, L. L., W. E. Howard, and R. E. Marsh.")[0]]
    [('Lee', 'L. L.'), ('Howard', 'W. E.'), ('Marsh', 'R. E.')]
    """
    text = " ".join(text.split())
    et_al = False
    if _MAY_CUT_SHORT.search(text):
        et_al = bool(_ET_AL.search(text))
        if et_al:
            text = _ET_AL.sub("", text)
    text = text.strip(" ,;:([")
    if text.endswith(".") and not _ENDS_WITH_INITIAL.search(text, max(0, len(text) - 6)):
        text = text[:-1].rstrip(" ,;:")
    if not text:
        return (), et_al
    if _is_group(text) and "," not in text and ";" not in text and " and " not in text:
        return (Author(text, None, None),), et_al
    # the commonest forms, read at once
    if " " not in text and "," not in text and "." not in text and text[:1].isalpha():
        # "Coleman", "李龙彬"
        return (Author(text, text, None),), et_al
    m = _ONE_INVERTED.fullmatch(text)
    if m:  # "Keynes, John Maynard", "Reising, Richard L."
        return (Author(text, m.group(1), m.group(2)),), et_al
    if _NLM_LIST.fullmatch(text):  # "Chang SY, Mok S, Park SC"
        return tuple(Author(n, *n.rsplit(" ", 1)) for n in text.split(", ")), et_al
    if _GIVEN_FIRST_LIST.fullmatch(text):  # "D. Georgakopoulos, M. Rusinkiewicz, and A. Sheth"
        names = [_GIVEN_FIRST_NAME.fullmatch(n) for n in _LIST_SEPARATOR.split(text)]
        return tuple(Author(m.group(), m.group(2), m.group(1)) for m in names), et_al
    if _NLM_DOTTED_LIST.fullmatch(text):  # "Haiman Z., Loeb A.", "Tremaine S., Byun Y.-I."
        return tuple(Author(m.group(), m.group(1), m.group(2))
                     for m in _NLM_DOTTED_NAME.finditer(text)), et_al
    if _INVERTED_LIST.fullmatch(text):  # "Romero, C., Paunesku, D., & Dweck, C."
        names = _INVERTED_SEPARATOR.split(text)
        return tuple(Author(n, n.partition(", ")[0], n.partition(", ")[2]) for n in names), et_al
    if ";" in text:
        # "Smith, J.; Jones, K." : each part is a whole name
        parts = [p for p in re.split(r"\s*;\s*|\s+(?:and|&)\s+", text) if p.strip(" .,")]
        return tuple(parse_author(p) for p in parts), et_al
    pieces = _SPLIT_NAMES.split(text)
    parts, seps = [], []
    for i in range(0, len(pieces), 2):
        if pieces[i].strip(" .,"):
            parts.append(pieces[i].strip())
            seps.append(pieces[i + 1] if i + 1 < len(pieces) else "")
        elif parts and i + 1 < len(pieces):
            seps[-1] = pieces[i + 1]
    pair_all = _pair_all(parts, seps)
    names: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if _SUFFIX.match(part) and names:
            names[-1] += ", " + part
            i += 1
            continue
        if nxt is not None and seps[i].strip() == "," and _family_like(part) and (
                pair_all or _INITIALS_ONLY.match(nxt) or
                _INITIALS_SUFFIX.fullmatch(nxt) or
                i == 0 and " " not in part.strip() and _given_like(nxt, inverted=True)):
            names.append(f"{part}, {nxt}")
            i += 2
            continue
        names.append(part)
        i += 1
    return tuple(parse_author(n) for n in names if n.strip(" .,")), et_al


_EDITOR_MARK = re.compile(
    r"\(?\b(?:eds?|editors?|edited by|ed\. by|hrsg|hg|hrsg\. v|éds?|dir|coords?|comps?|trans|"
    r"translated by|herausgegeben von)\b\.?\)?[.,:]?", re.I)


def parse_editors(text: str) -> tuple[Author, ...]:
    """Editors from text like "In: Mattli W, Woods N (eds)" or "ed. Jack Goody".

    Examples
    --------
    >>> [(a.family, a.given) for a in parse_editors("In C. B. Jones, and T. Denvir, editors,")]
    [('Jones', 'C. B.'), ('Denvir', 'T.')]
    """
    text = re.sub(r"^\s*(?:in|dans|em|en|im)\b\s*:?\s*", "", text.strip(), flags=re.I)
    text = _EDITOR_MARK.sub(" ", text)
    return parse_authors(text)[0]


# -- pages, volume, issue ----------------------------------------------------

_RANGE = re.compile(r"([A-Za-z]*)(\d+)([A-Za-z]*)-([A-Za-z]*)(\d+)([A-Za-z]*)")
_ONE_VALUE = re.compile(r"^\(?\s*([\w/.-]+)\s*\)?$")
_PARENTHESIZED = re.compile(r"\(\s*([^()]+?)\s*\)")
_ISSUE_VALUE = re.compile(r"[\s°º.]*([\w/-]+)")
_NUMBER_SEPARATOR = re.compile(r"[:.,/]")
_YEAR_ONLY = re.compile(r"(?:1[5-9]|20)\d\d")

def expand_page_range(pages: str) -> str:
    """``"643-8"`` → ``"643-648"``, ``"E503-E9"`` → ``"E503-E509"``.

    Examples
    --------
    >>> expand_page_range("E503-E9"), expand_page_range("789-96"), expand_page_range("e498-e502")
    ('E503-E509', '789-796', 'e498-e502')
    """
    m = _RANGE.fullmatch(pages)
    if not m:
        return pages
    prefix, first, suffix, prefix2, last, suffix2 = m.groups()
    if prefix2 and prefix2 != prefix:
        return pages
    if len(last) < len(first) and int(first[-len(last):]) <= int(last) or \
            len(last) < len(first) and int(first[:len(first) - len(last)] + last) > int(first):
        last = first[:len(first) - len(last)] + last
    return f"{prefix}{first}{suffix}-{prefix}{last}{suffix2 or suffix}"


_PAGES = re.compile(r"([A-Za-z]{0,2}\d+[A-Za-z]?)(?:\s*(?:-+|–|to|bis)\s*([A-Za-z]{0,2}\d+[A-Za-z]?))?")
_PAGE_LABEL = re.compile(r"^\s*\(?\s*(?:pp?|pgs?|pages?|s|ss|seiten|bl|str)\b\.?\s*", re.I)


def parse_pages(text: str) -> str | None:
    """``"pp. 245-51."`` → ``"245-251"``; ``"p. 1"`` → ``"1"``.

    Examples
    --------
    >>> parse_pages("pp. 1761–1800)."), parse_pages("E503-E9"), parse_pages("S. 12 f.")
    ('1761-1800', 'E503-E509', '12')
    """
    text = _PAGE_LABEL.sub("", text.replace("\u2013", "-"))
    m = _PAGES.search(text)
    if not m:
        return None
    first, last = m.group(1), m.group(2)
    if last:
        return expand_page_range(f"{first}-{last}")
    return first


_VOLUME_LABEL = re.compile(
    r"\b(?:vols?|volumes?|bd|band|t|tome|jg|jahrgang|anno|année|ano|año|v(?=\.?\s*\d))\b\.?\s*", re.I)
_ISSUE_LABEL = re.compile(
    r"(?:n\s?[°º]|№|#|\b(?:no|nos|nr|num|number|issue|iss|h|heft|fasc|n|suppl|supplement)\b\.?)\s*",
    re.I)
_VOLUME_NUM = re.compile(r"[A-Za-z]?\d+[A-Za-z]?(?:[-/]\d+)?|\b[IVXLCDM]{1,6}\b|\b[ivxlcdm]{1,6}\b")


def parse_volume_issue(text: str) -> tuple[str | None, str | None]:
    """Volume and issue from text like ``"366(9486)"``, ``"Vol. 3, no. 2"``, ``"(2)"``.

    Examples
    --------
    >>> parse_volume_issue("366(9486):"), parse_volume_issue("Vol. 45, No. 3"), parse_volume_issue("(2),")
    (('366', '9486'), ('45', '3'), (None, '2'))
    >>> parse_volume_issue("48:2:"), parse_volume_issue("25, no. 4"), parse_volume_issue("No. 263")
    (('48', '2'), ('25', '4'), (None, '263'))
    """
    text = text.strip(" .,;:")
    volume = issue = None
    m = _ONE_VALUE.match(text)
    if m and not text.startswith("("):
        v = m.group(1).strip(".")
        return (v or None), None
    paren = _PARENTHESIZED.search(text)
    head = text[:paren.start()] if paren else text
    issue_mark = _ISSUE_LABEL.search(head)
    if issue_mark:
        before, after = head[:issue_mark.start()], head[issue_mark.end():]
        mv = _VOLUME_NUM.search(_VOLUME_LABEL.sub(" ", before))
        volume = mv.group() if mv else None
        mi = _ISSUE_VALUE.match(after)
        issue = mi.group(1) if mi else None
    else:
        cleaned = _VOLUME_LABEL.sub(" ", head)
        nums = _VOLUME_NUM.findall(cleaned)
        if nums:
            volume = nums[0]
            if len(nums) > 1 and not paren and _NUMBER_SEPARATOR.search(cleaned):
                issue = nums[1]
    if paren:
        inner = _ISSUE_LABEL.sub("", paren.group(1)).strip()
        if inner and not _YEAR_ONLY.fullmatch(inner) or volume is None and inner:
            issue = issue or inner
    return volume, issue


# -- years, titles, containers -----------------------------------------------

_YEAR = re.compile(r"(?<![\d/.-])(1[5-9]\d\d|20[0-4]\d)(?![\d])")


def find_year(text: str) -> int | None:
    """The first plausible year (1500-2049) in a text.

    Examples
    --------
    >>> find_year("(2011a)."), find_year("May 1990"), find_year("n.d.")
    (2011, 1990, None)
    """
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


_QUOTE_CHARS = "\"'`\u00ab\u00bb"


def clean_phrase(text: str) -> str | None:
    """Strip the punctuation and brackets that surround a field."""
    text = text.strip(" ,;:.-/")
    if text.count("(") < text.count(")") and text.endswith(")"):
        text = text[:-1].rstrip(" ,;:.")
    if text.count("(") > text.count(")") and text.startswith("("):
        text = text[1:].lstrip()
    if text.count("[") < text.count("]") and text.endswith("]"):
        text = text[:-1].rstrip(" ,;:.")
    if text.count("[") > text.count("]") and text.startswith("["):
        text = text[1:].lstrip()
    return text.strip(" ,;:") or None


def clean_title(text: str) -> str | None:
    """A title without surrounding quotes and punctuation (a final "?" or "!" stays)."""
    text = text.strip()
    if len(text) > 1 and text[0] in _QUOTE_CHARS:
        text = text[1:]
        close = max(text.rfind(q) for q in _QUOTE_CHARS)
        if close >= 0 and len(text) - close <= 3:
            text = text[:close] + text[close + 1:]
    text = text.strip(" ,;:.") if not text.endswith(("?", "!")) else text.strip(" ")
    text = text.strip(_QUOTE_CHARS + " ,;:")
    if text.endswith(".") and not _ENDS_WITH_INITIAL.search(text, max(0, len(text) - 6)):
        text = text[:-1]
    return clean_phrase(text) if text else None


_CONTAINER_LEAD = re.compile(r"^\s*(?:in|dans|em|en|im|in the)\s*:\s*|^\s*(?:in|dans|em|im)\s+(?=\S)", re.I)


def clean_container(text: str) -> str | None:
    """A journal or book title without "In:" and surrounding punctuation.

    Examples
    --------
    >>> clean_container("In: Proc. 5th BCS-FACS Refinement Workshop,"), clean_container("Asian Spine J.")
    ('Proc. 5th BCS-FACS Refinement Workshop', 'Asian Spine J')
    """
    text = _CONTAINER_LEAD.sub("", text)
    text = text.strip(" ,;:")
    if text.endswith("."):
        text = text[:-1]
    text = clean_phrase(text.strip(_QUOTE_CHARS + " ,;:")) if text else None
    return text
