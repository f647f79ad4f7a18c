"""quick_init: the same constructor as the dataclass's, filling the slots directly."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from citegraph._slots import quick_init
from citegraph.model import Author, Record, Skipped, Source, Work
from citegraph.resolve import Citation, Mention, Node, Review
from citegraph.resolve.normalize import Normalized

CLASSES = [Author, Work, Source, Record, Skipped, Mention, Node, Citation, Review, Normalized]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_signature_is_the_fields_in_order_with_their_defaults(cls):
    assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"  # quick_init's, not the dataclass's
    expected = [(f.name, inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default)
                for f in dataclasses.fields(cls)]
    params = list(inspect.signature(cls).parameters.values())
    assert [(p.name, p.default) for p in params] == expected
    assert all(p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)


def test_values_land_in_their_fields_by_position_and_by_name():
    assert Source("a.xml", "pubmed-xml", 3, 7) == Source(path="a.xml", format="pubmed-xml", index=3, line=7)
    source = Source("a.xml", "pubmed-xml", 3, 7)
    assert (source.path, source.format, source.index, source.line) == ("a.xml", "pubmed-xml", 3, 7)
    work = Work(title="T", year=2001, pages="1-9", confidence=0.5)
    assert (work.title, work.year, work.pages, work.confidence, work.authors, work.doi) == ("T", 2001, "1-9", 0.5,
                                                                                          (), None)
    with pytest.raises(TypeError, match="unexpected keyword argument 'titel'"):
        Work(titel="T")
    with pytest.raises(TypeError, match="missing 2 required positional arguments"):
        Source()


def test_every_optional_text_field_of_a_work_is_none_when_blank():
    text_fields = [f.name for f in dataclasses.fields(Work) if f.type == "str | None"]
    assert {"title", "raw", "doi", "pages", "abstract", "arxiv"} <= set(text_fields)
    for name in text_fields:
        for blank in ("", "  ", "\n\t"):
            assert getattr(Work(**{name: blank}), name) is None, (name, blank)
        assert getattr(Work(**{name: " x "}), name) == " x "  # kept as given, not stripped
    # the other fields are never touched: a tuple, a number, a flag
    work = Work(authors=(), year=0, et_al=False, confidence=0.0)
    assert (work.authors, work.year, work.et_al, work.confidence) == ((), 0, False, 0.0)
    assert work.replace(title=" ").title is None  # replace() goes through the same __init__


def test_post_init_still_runs():
    @quick_init
    @dataclasses.dataclass(frozen=True, slots=True)
    class Span:
        start: int
        end: int = 0

        def __post_init__(self):
            if self.end < self.start:
                object.__setattr__(self, "end", self.start)

    assert Span(5).end == 5 and Span(1, 3).end == 3


def test_the_instance_stays_frozen():
    work = Work(title="T")
    with pytest.raises(dataclasses.FrozenInstanceError):
        work.title = "U"  # type: ignore[misc]
    assert work.replace(title="U").title == "U" and pickle.loads(pickle.dumps(work)) == work
    assert hash(work) == hash(Work(title="T"))


def test_a_default_factory_is_refused():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Holder:
        items: list = dataclasses.field(default_factory=list)

    with pytest.raises(TypeError, match="default_factory"):
        quick_init(Holder)


def test_a_class_without_slots_is_refused():
    @dataclasses.dataclass(frozen=True)
    class Plain:
        value: int = 0

    with pytest.raises(TypeError, match="no slot for value"):
        quick_init(Plain)
