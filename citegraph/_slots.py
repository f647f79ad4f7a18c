"""A faster ``__init__`` for the frozen, slotted dataclasses that readers and the resolver make by the million.

The ``__init__`` that :func:`dataclasses.dataclass` writes for a frozen class
sets each field with ``object.__setattr__``, looked up again for every field of
every instance (frozen classes forbid ``self.x = x``).  For :class:`~citegraph.model.Work`,
with 22 fields, that lookup and call were most of what making one costs, and a
reader makes one per reference.  :func:`quick_init` gives such a class an
``__init__`` with the same signature and defaults that writes each slot through
its own descriptor, bound once when the class is made.  Everything else stays
the dataclass's: fields, ``repr``, equality, hashing, ``replace``, pickling and
the frozen ``__setattr__``.

``quick_init(none_if_blank=True)`` also folds into that ``__init__`` the rule
that an optional text field holds ``None``, never ``""`` or white space, for
every field annotated ``str | None``: one test as each slot is written, where a
``__post_init__`` would read every such field back again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields

__all__ = ["quick_init"]


def quick_init(cls: type | None = None, *, none_if_blank: bool = False) -> type | Callable[[type], type]:
    """Replace the ``__init__`` of a frozen, slotted dataclass by one that fills the slots directly.

    ``__post_init__`` is still called when the class has one.  A class without
    slots, or with a field that has a ``default_factory`` or is left out of
    ``__init__``, is refused with a ``TypeError`` when it is decorated.  With
    ``none_if_blank``, a field annotated ``str | None`` given an empty or
    white-space string holds ``None``.

    Examples
    --------
    >>> from dataclasses import dataclass
    >>> @quick_init
    ... @dataclass(frozen=True, slots=True)
    ... class Point:
    ...     x: int
    ...     y: int = 0
    >>> Point(1), Point(1, y=2) == Point(x=1, y=2)
    (Point(x=1, y=0), True)
    >>> @quick_init(none_if_blank=True)
    ... @dataclass(frozen=True, slots=True)
    ... class Label:
    ...     text: str | None = None
    >>> Label(" "), Label("x ")
    (Label(text=None), Label(text='x '))
    """
    if cls is None:
        return lambda cls: _quick_init(cls, none_if_blank)
    return _quick_init(cls, none_if_blank)


#: How a dataclass field of optional text is annotated, as a string (postponed annotations) or a type.
_OPTIONAL_TEXT = ("str | None", str | None)


def _quick_init(cls: type, none_if_blank: bool) -> type:
    names, params, closure, blank = [], [], {}, set()
    for number, field in enumerate(fields(cls)):
        if not field.init or field.default_factory is not MISSING:
            raise TypeError(f"quick_init: {cls.__name__}.{field.name} has a default_factory or init=False")
        slot = cls.__dict__.get(field.name)  # a slotted class holds each field's member descriptor
        if not hasattr(slot, "__set__"):
            raise TypeError(f"quick_init: {cls.__name__} has no slot for {field.name}")
        names.append(field.name)
        if none_if_blank and field.type in _OPTIONAL_TEXT:
            blank.add(field.name)
        closure[f"_set{number}"] = slot.__set__
        if field.default is MISSING:
            params.append(field.name)
        else:
            closure[f"_default{number}"] = field.default
            params.append(f"{field.name}=_default{number}")
    # str.strip() hands back the string itself when there is nothing to strip: no copy
    body = [f"        _set{number}(self, {name} if {name} is None or {name}.strip() else None)" if name in blank
            else f"        _set{number}(self, {name})" for number, name in enumerate(names)]
    if hasattr(cls, "__post_init__"):
        body.append("        self.__post_init__()")
    source = (f"def _make({', '.join(closure)}):\n"
              f"    def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["        pass"])
              + "\n    return __init__\n")
    namespace: dict = {}
    exec(source, {}, namespace)  # noqa: S102 - the source is made here, from field names only
    init = namespace["_make"](**closure)
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init
    return cls
