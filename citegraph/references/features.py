"""Token features for the reference tagger.

Few features per token, each carrying much: the tagger's cost grows with
their number, so classes are folded into one string (``c:Xx|cap|5``) rather
than given one feature each.  A token's own features depend on its text alone
and are kept in a :class:`FeatureCache`; features of its place in the string
(the punctuation around it, parentheses, quotes, position, what came before)
are computed for each string from small tables.  Features are plain strings
(binary features), the fastest form python-crfsuite takes.
"""

from __future__ import annotations

import re

__all__ = ["FeatureCache", "sequence_features"]

_MONTHS = frozenset("""jan feb mar apr may jun jul aug sep sept oct nov dec january february march
april june july august september october november december janvier fevrier février mars avril mai
juin juillet aout août septembre octobre novembre decembre décembre januar februar märz maerz juni
juli oktober dezember enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
diciembre gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre spring summer
autumn fall winter""".split())
_LEXICON: dict[str, str] = {}
for _cls, _words in {
    "particle": "van von der den de del della di da dos das du la le ten ter bin al el ibn mc",
    "and": "and und et y e en og och &",
    "ed": "ed eds editor editors edited hrsg hg herausgegeben éd éds dir coord comp trans transl "
          "translated",
    "journal": """j journal jour journals rev review reviews lett letters proc proceedings trans
        transactions bull bulletin ann annals annales acta arch archives int intl international natl
        national am amer american soc society acad sci science sciences res research med medical
        clin clinical phys physics chem chemistry biol biology math mathematics eng engineering
        comput computer computing quart quarterly rep reports conf conference symp symposium
        workshop congress mag magazine zeitschrift zeitung z rivista revista revue cah cahiers stud
        studies q ieee acm lecture notes nature cell lancet bmj jama nejm plos theor appl mol
        neurosci psychol econ sociol hist anal mech commun syst technol inform stat""",
    "pub": """press verlag publishers publisher publishing publications books university univ inc
        ltd co company editions éditions editore editorial presses wiley springer elsevier academic
        routledge sage pergamon kluwer blackwell mcgraw hill prentice addison wesley oxford
        cambridge harvard mit gallimard seuil puf""",
    "page": "pp p pg pgs page pages s ss seiten bl",
    "vol": "vol vols volume volumes bd band t tome jg jahrgang",
    "no": "no nos nr num number issue iss h heft n",
    "note": """thesis dissertation phd ph master masters report technical tech tr unpublished
        manuscript retrieved available accessed online cited submitted preprint forthcoming
        patent draft memo working paper series doi isbn issn url arxiv pmid""",
    "in": "in dans em im",
    "etal": "et al etal",
}.items():
    for _w in _words.split():
        _LEXICON.setdefault(_w, _cls)
for _w in _MONTHS:
    _LEXICON[_w] = "month"

# words whose identity a neighbour sees (others show it only their class)
_CUE_WORDS = frozenset("""in and et al ed eds editor editors edited pp p vol no nr pages press
university of the by from retrieved available doi isbn thesis report technical proceedings proc
journal conference symposium workshop chapter chap""".split())

_SHAPE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "X" * 26 + "x" * 26 + "d" * 10)


_ROMAN = re.compile(r"[ivxlcdm]+")


def _entry(text: str) -> tuple:
    """What the tagger sees of a token's text: its own features, the features its left
    and right neighbours see of it (``-1``/``+1``, and ``-2``/``+2`` its kind alone), its
    kind, and whether it is a number."""
    low = text.lower()
    n = len(text)
    if n > 6 and ("/" in text or "." in text) and not text.isalnum():
        kind = "url" if low.startswith(("http", "www", "ftp")) else "doi"
        own, seen = ["w:<" + kind + ">", "c:" + kind], "c:" + kind
        return (own, "-1" + seen, "+1" + seen, kind, "-2" + kind, "+2" + kind, False)
    if text.isdigit():
        value = int(text) if n <= 4 else 0
        if n == 4 and 1500 <= value <= 2049:
            kind = "year"
        elif n <= 2 and value <= 12 and value:
            kind = "d12"
        else:
            kind = f"d{min(n, 6)}"
        own, seen = ["w:" + (text if n <= 2 else "<" + kind + ">"), "c:" + kind], "c:" + kind
        return (own, "-1" + seen, "+1" + seen, kind, "-2" + kind, "+2" + kind, True)
    shape = text[:3].translate(_SHAPE)
    if not text.isascii():
        shape = "".join(c if c in "Xxd" else ("X" if c.isupper() else "x" if c.islower() else "o")
                        for c in shape)
    if text.isupper():
        kind = "U" if n == 1 else "UU"
    elif text[0].isupper():
        kind = "C"
    elif text.islower():
        kind = "l"
    else:
        kind = "m"
    lex = _LEXICON.get(low)
    if lex is None and n <= 4 and kind != "C" and _ROMAN.fullmatch(low):
        lex = "roman"
    word = "w:" + low
    own = [word, f"c:{shape}|{kind}|{min(n, 7)}"]
    if lex:
        own.append("lx:" + lex)
    seen = word if low in _CUE_WORDS else ("lx:" + lex if lex else f"c:{shape}|{kind}")
    return (own, "-1" + seen, "+1" + seen, kind, "-2" + kind, "+2" + kind, False)


class FeatureCache:
    """Token-text features, computed once per distinct token text.

    For each text it holds the token's own features, what its neighbours see of
    it, and its coarse kind; and for each separator (the text between two
    tokens) what it tells.  It grows up to ``max_size`` distinct texts, then
    starts over.
    """

    def __init__(self, max_size: int = 200_000) -> None:
        self.max_size = max_size
        self._table: dict[str, tuple] = {}
        self.separators = _SepTable()

    def get(self, text: str) -> tuple:
        entry = self._table.get(text)
        if entry is None:
            entry = _entry(text)
            if len(self._table) >= self.max_size:
                self._table.clear()
            self._table[text] = entry
        return entry


class _Joined(dict):
    """``prefix + key`` strings, made once."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def __missing__(self, key: str) -> str:
        value = self[key] = self.prefix + key
        return value


def _sep_info(between: str) -> tuple[_Joined, _Joined, int, int, int, bool]:
    """What a separator tells: its features as the text before and after a token (by the
    token's kind), brackets opened and closed, quotes, and whether it can end a sentence.

    Its text in features is its punctuation without spaces, ``_`` for a space alone and
    ``0`` for nothing."""
    if between == " ":
        s = "_"
    elif not between:
        s = "0"
    else:
        s = between.replace(" ", "") or "_"
    opened = s.count("(") + s.count("[")
    closed = s.count(")") + s.count("]")
    short = s if len(s) <= 3 else s[:2] + s[-1]
    return (_Joined("b:" + short + "|"), _Joined("a:" + short + "|"), opened, closed,
            s.count('"'), "." in s or "?" in s or ":" in s)


class _SepTable(dict):
    def __missing__(self, key: str) -> tuple[_Joined, _Joined, int, int, int, bool]:
        value = _sep_info(key)
        if len(self) < 5000:
            self[key] = value
        return value


# "p:<sixth of the string>|<sentence>|<in brackets><in quotes><after a year>"
_PLACE = [f"p:{pos}|{sentence}|{paren}{quote}{year}" for pos in range(6) for sentence in range(5)
          for paren in range(2) for quote in range(2) for year in range(2)]


def sequence_features(pieces: list[str], cache: FeatureCache) -> list[list[str]]:
    """The features of every token of one reference, from :func:`~.text.tokenize` pieces."""
    n = len(pieces) // 2
    if not n:
        return []
    table = cache._table
    get = cache.get
    tokens = pieces[1::2]
    entries = [table.get(t) or get(t) for t in tokens]
    seps_table = cache.separators
    seps = [seps_table[s] for s in pieces[0::2]]
    # where each token stands: in brackets, in quotes, after a year, which sentence;
    # for a number, how many numbers came before it
    places = []
    numbers = []
    paren = quote = year_seen = sentence = count = 0
    prev_long = False
    place = _PLACE
    for i, (sep, token, e) in enumerate(zip(seps, tokens, entries)):
        if sep[2] or sep[3]:
            paren = max(0, paren + sep[2] - sep[3])
        if sep[4] & 1:
            quote ^= 1
        if sep[5] and prev_long and sentence < 4:
            sentence += 1
        places.append(place[(((i * 6 // n) * 5 + sentence) * 2 + (paren and 1)) * 4
                            + quote * 2 + year_seen])
        if e[6]:
            numbers.append((i, _NUMBERS[count if count < 4 else 4]))
            count += 1
            if e[3] == "year":
                year_seen = 1
        prev_long = len(token) > 1 or token.isdigit()
    out = [e[0] + [b[0][e[3]], a[1][e[3]], p, l1[1], l2[4], r1[2], r2[5]]
           for e, b, a, p, l1, l2, r1, r2 in zip(
               entries, seps, seps[1:], places, _EDGE_LEFT + entries, _EDGE_LEFT2 + entries,
               entries[1:] + _EDGE_RIGHT, entries[2:] + _EDGE_RIGHT2)]
    for i, feature in numbers:
        out[i].append(feature)
    return out


_NUMBERS = [f"nn:{k}" for k in range(5)]
_EDGE_LEFT = [(None, "-1^", None, None, "-2^", None, False)]
_EDGE_LEFT2 = _EDGE_LEFT * 2
_EDGE_RIGHT = [(None, None, "+1$", None, None, "+2$", False)]
_EDGE_RIGHT2 = _EDGE_RIGHT * 2
