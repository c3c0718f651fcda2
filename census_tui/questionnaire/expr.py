"""The condition language of form files: small, safe, parsed once when the form loads.

A form file says when an item is asked (``when = "H5 == 1"``, ``when = "age >= 15"``). Those
texts are parsed here into a tiny AST; nothing is ever handed to ``eval``/``exec``/``compile``.
Grammar (docs/form.md has the same, with examples)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | primary
    primary    := "(" expr ")" | "answered" "(" IDENT ")" | comparison
    comparison := operand CMP operand | operand ["not"] "in" "(" literal ("," literal)* [","] ")"
    operand    := IDENT | literal
    literal    := INT | STRING            INT: -?[0-9]+   STRING: "..." or '...' (\\" \\' \\\\)
    CMP        := "==" | "!=" | "<" | "<=" | ">" | ">="

Semantics: an identifier is an item id or a derived variable (``age``); its value is the answer
(``int`` or ``str``) or ``None`` when not answered. **Every comparison involving a missing value
is false**, including ``!=`` and ``not in``, so an item whose controlling answer has not been
given yet is not applicable. Comparing an ``int`` with a ``str`` is false too (``!=`` is true only
when both sides are present). ``answered(X)`` is true when X has a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from census_tui.errors import CensusError
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Msg

Scalar = int | str
Env = Mapping[str, Scalar]
"""What a condition reads: identifier -> value; an absent key is a missing answer."""

MAX_DEPTH = 32
"""Deepest nesting of parentheses and ``not`` a condition may have."""

KEYWORDS = frozenset({"and", "or", "not", "in", "answered"})


class ExprError(CensusError):
    """A condition in a form file does not parse. ``position`` is the 0-based column."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, source: str, position: int, what: Msg) -> None:
        self.source = source
        self.position = position
        where = Msg(
            "条件表达式第 {col} 列: {what}: {src!r}", "condition, column {col}: {what}: {src!r}"
        )
        shown = source if len(source) <= 80 else source[:77] + "..."
        msg = Msg(
            where.zh.format(col=position + 1, what=what.zh, src=shown),
            where.en.format(col=position + 1, what=what.en, src=shown),
        )
        super().__init__(msg)


# --- AST -------------------------------------------------------------------------------------


class Node:
    """A node of a condition. ``holds(env)`` is its truth value; ``names()`` what it reads."""

    __slots__ = ()

    def holds(self, env: Env) -> bool:
        raise NotImplementedError

    def names(self) -> Iterator[str]:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Name:
    """An identifier operand: an item id or a derived variable."""

    id: str
    position: int = 0


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar
    position: int = 0


Operand = Name | Literal


def _value(op: Operand, env: Env) -> Scalar | None:
    return env.get(op.id) if isinstance(op, Name) else op.value


def _cmp(op: str, a: Scalar, b: Scalar) -> bool:
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if type(a) is not type(b):
        return False
    # same type from here on: both int or both str
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str
    left: Operand
    right: Operand

    def holds(self, env: Env) -> bool:
        a = _value(self.left, env)
        b = _value(self.right, env)
        if a is None or b is None:
            return False
        return _cmp(self.op, a, b)

    def names(self) -> Iterator[str]:
        for side in (self.left, self.right):
            if isinstance(side, Name):
                yield side.id


@dataclass(frozen=True, slots=True)
class In(Node):
    operand: Operand
    values: tuple[Scalar, ...]
    negated: bool = False

    def holds(self, env: Env) -> bool:
        v = _value(self.operand, env)
        if v is None:
            return False
        return (v in self.values) != self.negated

    def names(self) -> Iterator[str]:
        if isinstance(self.operand, Name):
            yield self.operand.id


@dataclass(frozen=True, slots=True)
class Answered(Node):
    name: Name

    def holds(self, env: Env) -> bool:
        return env.get(self.name.id) is not None

    def names(self) -> Iterator[str]:
        yield self.name.id


@dataclass(frozen=True, slots=True)
class And(Node):
    parts: tuple[Node, ...]

    def holds(self, env: Env) -> bool:
        return all(p.holds(env) for p in self.parts)

    def names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.names()


@dataclass(frozen=True, slots=True)
class Or(Node):
    parts: tuple[Node, ...]

    def holds(self, env: Env) -> bool:
        return any(p.holds(env) for p in self.parts)

    def names(self) -> Iterator[str]:
        for p in self.parts:
            yield from p.names()


@dataclass(frozen=True, slots=True)
class Not(Node):
    part: Node

    def holds(self, env: Env) -> bool:
        return not self.part.holds(env)

    def names(self) -> Iterator[str]:
        yield from self.part.names()


def operands(node: Node) -> Iterator[tuple[Operand, Operand | tuple[Scalar, ...], str]]:
    """Each (operand, other side, operator) of the comparisons in ``node``, for load checks.

    ``not in`` is reported as ``"in"``: both compare against the same list of values.
    """
    if isinstance(node, Compare):
        yield node.left, node.right, node.op
        yield node.right, node.left, node.op
    elif isinstance(node, In):
        yield node.operand, node.values, "in"
    elif isinstance(node, And | Or):
        for p in node.parts:
            yield from operands(p)
    elif isinstance(node, Not):
        yield from operands(node.part)


# --- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\n]+)
  | (?P<int>-?[0-9]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<str>"(?:[^"\\\n]|\\["'\\])*"|'(?:[^'\\\n]|\\["'\\])*')
  | (?P<op>==|!=|<=|>=|<|>)
  | (?P<punct>[(),])
    """,
    re.VERBOSE,
)
_UNESCAPE = re.compile(r"\\([\"'\\])")


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # int, ident, kw, str, op, punct, end
    text: str
    pos: int


def _tokens(src: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if m is None:
            ch = src[pos]
            if ch in "\"'":
                raise ExprError(src, pos, Msg("字符串没有结束", "unterminated string"))
            if ch == "=":
                raise ExprError(src, pos, Msg("应为 ==", "expected '==', not '='"))
            raise ExprError(src, pos, Msg(f"无法识别的字符 {ch!r}", f"unexpected character {ch!r}"))
        kind = m.lastgroup or ""
        text = m.group()
        if kind == "ident" and text in KEYWORDS:
            kind = "kw"
        if kind != "ws":
            out.append(_Tok(kind, text, pos))
        pos = m.end()
    out.append(_Tok("end", "", len(src)))
    return out


# --- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.toks = _tokens(src)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def fail(self, en: str, zh: str, tok: _Tok | None = None) -> ExprError:
        t = tok or self.tok
        found = "end of text" if t.kind == "end" else repr(t.text)
        found_zh = "结尾" if t.kind == "end" else repr(t.text)
        return ExprError(self.src, t.pos, Msg(f"{zh}, 实际是 {found_zh}", f"{en}, found {found}"))

    def take(self, kind: str, text: str | None = None) -> bool:
        t = self.tok
        if t.kind == kind and (text is None or t.text == text):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str, en: str, zh: str) -> None:
        if not self.take(kind, text):
            raise self.fail(en, zh)

    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.fail("empty condition", "条件为空")
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.fail("expected 'and', 'or' or the end", "应为 and、or 或结束")
        return node

    def or_expr(self) -> Node:
        parts = [self.and_expr()]
        while self.take("kw", "or"):
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def and_expr(self) -> Node:
        parts = [self.not_expr()]
        while self.take("kw", "and"):
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def nest(self) -> None:
        """Bound the nesting so a pathological condition is an ExprError, not a RecursionError."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("nested too deeply", "嵌套太深")

    def not_expr(self) -> Node:
        if self.take("kw", "not"):
            self.nest()
            node = Not(self.not_expr())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        if self.take("punct", "("):
            self.nest()
            node = self.or_expr()
            self.expect("punct", ")", "expected ')'", "缺少 )")
            self.depth -= 1
            return node
        if self.take("kw", "answered"):
            self.expect("punct", "(", "expected '(' after answered", "answered 后应为 (")
            t = self.tok
            if not self.take("ident"):
                raise self.fail(
                    "expected an item id in answered(...)", "answered(...) 中应为题目编号"
                )
            self.expect("punct", ")", "expected ')'", "缺少 )")
            return Answered(Name(t.text, t.pos))
        left = self.operand()
        t = self.tok
        if self.take("op"):
            return Compare(t.text, left, self.operand())
        negated = False
        if self.take("kw", "not"):
            negated = True
            if self.tok.kind != "kw" or self.tok.text != "in":
                raise self.fail("expected 'in' after 'not'", "not 后应为 in")
        if self.take("kw", "in"):
            return In(left, self.literal_list(), negated)
        raise self.fail("expected a comparison (==, !=, <, <=, >, >=, in)", "应为比较运算符")

    def operand(self) -> Operand:
        t = self.tok
        if self.take("ident"):
            return Name(t.text, t.pos)
        return self.literal()

    def literal(self) -> Literal:
        t = self.tok
        if self.take("int"):
            return Literal(int(t.text), t.pos)
        if self.take("str"):
            return Literal(_UNESCAPE.sub(r"\1", t.text[1:-1]), t.pos)
        raise self.fail("expected an item id, a number or a string", "应为题目编号、数字或字符串")

    def literal_list(self) -> tuple[Scalar, ...]:
        self.expect("punct", "(", "expected '(' after 'in'", "in 后应为 (")
        values = [self.literal().value]
        while self.take("punct", ","):
            if self.tok.kind == "punct" and self.tok.text == ")":
                break
            values.append(self.literal().value)
        self.expect("punct", ")", "expected ',' or ')'", "应为 , 或 )")
        return tuple(values)


def parse(src: str) -> Node:
    """Parse a condition; raises :class:`ExprError` with the column of the first problem."""
    return _Parser(src).parse()
