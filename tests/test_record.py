"""``@record``: what it keeps of a frozen, slotted dataclass, and that it is lighter to define."""

from __future__ import annotations

import gc
import tracemalloc
from abc import ABC, abstractmethod
from dataclasses import FrozenInstanceError, dataclass, field
from typing import ClassVar

import pytest

from census_tui.record import as_dict, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list[str] = field(default_factory=list)
    secret: str = field(default="", repr=False)
    KIND: ClassVar[str] = "point"


@record
class Pair:
    a: int
    b: str


@record(frozen=False)
class Counter:
    n: int = 0
    seen: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seen.append(self.n)


def test_construction_defaults_and_factories() -> None:
    a, b = Point(1), Point(x=2, y=3, tags=["t"], secret="s")
    assert (a.x, a.y, a.tags, a.secret) == (1, 0, [], "")
    assert (b.x, b.y, b.tags, b.secret) == (2, 3, ["t"], "s")
    assert Point(1).tags is not Point(1).tags  # a fresh list each time
    assert Point.KIND == "point" and Point.__match_args__ == ("x", "y", "tags", "secret")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, z=2)  # type: ignore[call-arg]


def test_frozen_slotted_equal_and_hashable() -> None:
    p = Point(1, 2)
    with pytest.raises(FrozenInstanceError):
        p.x = 5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del p.y
    assert not hasattr(p, "__dict__")
    assert p == Point(1, 2) and p != Point(1, 3)
    assert hash(Pair(1, "x")) == hash(Pair(1, "x")) and len({Pair(1, "x"), Pair(1, "x")}) == 1
    with pytest.raises(TypeError):
        hash(p)  # a list field: unhashable, as a dataclass
    other: object = (1, 2, [], "")
    assert p != other  # only a record of the same class is equal
    assert repr(p) == "Point(x=1, y=2, tags=[])"  # the repr=False field is not shown


def test_mutable_record_and_post_init() -> None:
    c = Counter(3)
    c.n = 4
    assert c.seen == [3] and c.n == 4
    with pytest.raises(TypeError):
        hash(c)  # mutable and compared by value: not hashable, as a dataclass


def test_replace_and_as_dict() -> None:
    p = Point(1, 2, ["a"])
    q = replace(p, y=9)
    assert (q.x, q.y, q.tags) == (1, 9, ["a"]) and p.y == 2
    with pytest.raises(TypeError, match="no field"):
        replace(p, z=1)
    assert as_dict(p) == {"x": 1, "y": 2, "tags": ["a"], "secret": ""}


def test_match_statement() -> None:
    match Point(4, 5):
        case Point(x, y):
            assert (x, y) == (4, 5)
        case _:
            pytest.fail("no match")


def test_abstract_base_and_bad_definitions() -> None:
    class Node(ABC):
        __slots__ = ()

        @abstractmethod
        def size(self) -> int: ...

    @record
    class Leaf(Node):
        n: int

        def size(self) -> int:
            return self.n

    assert Leaf(3).size() == 3 and isinstance(Leaf(3), Node)

    with pytest.raises(TypeError, match="without a default"):

        @record
        class Bad:
            a: int = 0
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="inherit"):

        @record
        class Sub(Point):
            z: int = 0


def _defining(decorate: object, n: int = 20) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        kept = []
        for i in range(n):
            ns: dict[str, object] = {}
            exec(
                f"class C{i}:\n    a: str\n    b: int\n    c: str = ''\n    d: int = 0\n",
                {},
                ns,
            )
            kept.append(decorate(ns[f"C{i}"]))  # type: ignore[operator]
        gc.collect()
        return tracemalloc.get_traced_memory()[0] // n
    finally:
        tracemalloc.stop()


def test_a_record_is_lighter_to_define_than_a_dataclass() -> None:
    """The point of records (issue 5 §12): each class costs well under half the memory."""
    heavy = _defining(dataclass(frozen=True, slots=True))
    light = _defining(record)
    assert light * 2 < heavy, (light, heavy)
