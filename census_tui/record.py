"""``@record``: the value classes of the TUI's path, as ``@dataclass(frozen=True, slots=True)``
but lighter to define.

A frozen, slotted dataclass compiles eight methods from source text for every class (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``, ``__getstate__``,
``__setstate__``) and keeps a ``Field`` object per field: about 14 KiB per class (and a first
class object thrown away), for the fifty value classes the TUI loads to run an interview. Made
records, they took 1.4 MiB off the interview's peak memory (issue 5 §12, ``bench/bench_tui.py``).
The sync, roster, diagnostics and server modules, not loaded by the TUI's interview, keep
dataclasses. A record compiles no source: ``__init__``, equality, hashing, ``repr`` and
immutability are shared functions that read the class's field names (building an 11-field
row costs ~7 µs against a dataclass's ~4 µs; the TUI builds a few dozen per keystroke).

What a record keeps of a dataclass: keyword or positional construction in field order,
defaults and ``dataclasses.field(default=…, default_factory=…, repr=False)``,
``__post_init__``, ``__match_args__``, ``__slots__``, equality and hashing on the fields (only
between instances of the same class), ``FrozenInstanceError`` on assignment, and
:func:`replace`. Not kept: ``dataclasses.fields``/``asdict``/``replace`` (use :func:`replace`),
ordering, inheritance from another record. Type checkers read it as a dataclass
(``dataclass_transform``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, field
from operator import attrgetter
from typing import Any, TypeVar

from typing_extensions import dataclass_transform

T = TypeVar("T")

_FIELDS = "__record_fields__"
_SHOWN = "__record_shown__"
_VALUES = "__record_values__"


def _values_of(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = getattr(self.__class__, _VALUES)
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(getattr(self.__class__, _VALUES)(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in getattr(self.__class__, _SHOWN))
    return f"{self.__class__.__qualname__}({shown})"


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


def _init(
    qualname: str,
    names: list[str],
    defaults: dict[str, Any],
    factories: dict[str, Callable[[], Any]],
    post_init: bool,
) -> Callable[..., None]:
    """``__init__(self, *fields_in_order, **fields_by_name)``: one closure per class over shared
    code (no source compiled per class), with a dataclass's errors for a wrong call."""
    fields = tuple(names)
    put = object.__setattr__  # frozen records refuse ``setattr``; slots take this either way

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(fields):
            raise TypeError(f"{qualname}() takes {len(fields)} positional arguments")
        for name, value in zip(fields, args, strict=False):
            put(self, name, value)
        for name in fields[len(args) :]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in defaults:
                value = defaults[name]
            elif name in factories:
                value = factories[name]()
            else:
                raise TypeError(f"{qualname}() missing argument {name!r}")
            put(self, name, value)
        if kwargs:
            name = next(iter(kwargs))
            what = "got multiple values for" if name in fields else "got an unexpected keyword"
            raise TypeError(f"{qualname}() {what} argument {name!r}")
        if post_init:
            self.__post_init__()

    __init__.__qualname__ = f"{qualname}.__init__"
    return __init__


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[T] | None = None, /, *, frozen: bool = True, eq: bool = True) -> Any:
    """Make ``cls`` a slotted value class of its annotated fields (see the module's doc)."""

    def wrap(cls: type[T]) -> type[T]:
        return _build(cls, frozen=frozen, eq=eq)

    return wrap if cls is None else wrap(cls)


def _build(cls: type[T], *, frozen: bool, eq: bool) -> type[T]:
    if any(hasattr(base, _FIELDS) for base in cls.__mro__[1:]):
        raise TypeError(f"{cls.__qualname__}: a record cannot inherit from another record")
    annotations = inspect.get_annotations(cls)
    names = [
        n for n, t in annotations.items() if not str(t).startswith(("ClassVar", "typing.ClassVar"))
    ]
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    hidden: set[str] = set()
    for n in names:
        value = cls.__dict__.get(n, MISSING)
        if isinstance(value, Field):
            if value.default is not MISSING:
                defaults[n] = value.default
            elif value.default_factory is not MISSING:
                factories[n] = value.default_factory
            if not value.repr:
                hidden.add(n)
        elif value is not MISSING:
            defaults[n] = value
    seen_default = False
    for n in names:
        if n in defaults or n in factories:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__qualname__}: field {n!r} without a default follows one with")

    body = {k: v for k, v in cls.__dict__.items() if k not in names}
    body.pop("__dict__", None)
    body.pop("__weakref__", None)
    body["__slots__"] = tuple(names)
    body["__match_args__"] = tuple(names)
    body[_FIELDS] = tuple(names)
    body[_SHOWN] = tuple(n for n in names if n not in hidden)
    body[_VALUES] = staticmethod(_values_of(tuple(names)))
    body["__init__"] = _init(cls.__qualname__, names, defaults, factories, "__post_init__" in body)
    body.setdefault("__repr__", _repr)
    if eq:
        body.setdefault("__eq__", _eq)
        body["__hash__"] = _hash if frozen else None
    if frozen:
        body["__setattr__"] = _frozen_setattr
        body["__delattr__"] = _frozen_delattr
    metaclass: Any = type(cls)  # ABCMeta for a record under an abstract base
    made: type[T] = metaclass(cls.__name__, cls.__bases__, body)
    made.__qualname__ = cls.__qualname__
    return made


def replace(obj: T, /, **changes: Any) -> T:
    """A copy of the record ``obj`` with some fields changed (as ``dataclasses.replace``)."""
    names: tuple[str, ...] = getattr(obj.__class__, _FIELDS)
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{obj.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
    return obj.__class__(**{n: changes[n] if n in changes else getattr(obj, n) for n in names})


def as_dict(obj: object) -> dict[str, Any]:
    """The record's fields by name (shallow: nested records stay records)."""
    return {n: getattr(obj, n) for n in getattr(obj.__class__, _FIELDS)}
