"""Request bodies in, JSON answers out: size caps, gzip, strict JSON, one error shape.

Every refusal is a 4xx with ``{"error": code, "message": {"zh": ..., "en": ...}}`` so that a
client (or a person reading a log) sees the reason. The body is capped before and after gunzip,
so a gzip bomb costs the server at most ``MAX_INFLATED`` bytes of memory; small routes (login,
password, verify) take at most ``SMALL_BODY``. JSON is strict (no NaN or Infinity, no number
beyond a double's range such as ``1e400``; an integral ``3.0`` is the integer 3, as in JSON
Schema), has a nesting and element budget checked before and after parsing, and bodies are
inflated and parsed in a worker thread so that no upload ever stalls the event loop.
"""

from __future__ import annotations

import json
import math
import zlib
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from census_tui.i18n import Msg

MAX_BODY = 8 * 1024 * 1024
"""Largest request body on the wire (compressed or not)."""
MAX_INFLATED = 32 * 1024 * 1024
"""Largest request body after gunzip."""
SMALL_BODY = 4 * 1024
"""Largest body of /login, /password and /verify, on the wire and after gunzip."""
MAX_DEPTH = 32
"""Deepest JSON nesting accepted (a household is 4 deep)."""
MAX_CONTAINERS = 200_000
"""Most JSON objects and arrays in one body (a 10-person household has about 25)."""


class Refused(Exception):
    """A request the server answers with a 4xx and a reason."""

    def __init__(
        self,
        status: int,
        code: str,
        msg: Msg,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.msg = msg
        self.headers = headers or {}
        self.extra = extra

    def response(self) -> JSONResponse:
        body = {"error": self.code, "message": {"zh": self.msg.zh, "en": self.msg.en}}
        body.update(self.extra)
        return JSONResponse(body, status_code=self.status, headers=self.headers)


TOO_LARGE = Msg("上传内容过大", "upload too large")
BAD_JSON = Msg("请求不是有效的 JSON", "request body is not valid JSON")
TOO_DEEP = Msg("JSON 嵌套过深或元素过多", "JSON nested too deep or too many elements")


def answer(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def ascii_digits(text: str) -> bool:
    """True for a non-empty run of ASCII 0-9 only (``str.isdigit`` also takes ``²`` and ``١``)."""
    return text.isascii() and text.isdigit()


async def read_json(request: Request, *, limit: int = MAX_BODY) -> Any:
    """The request's JSON body, after the size caps and an optional gzip decoding.

    ``limit`` caps the body on the wire and after gunzip (small routes pass ``SMALL_BODY``).
    """
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise Refused(415, "unsupported_media_type", Msg("须为 JSON", "body must be JSON"))
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise Refused(
            415, "unsupported_encoding", Msg("不支持的压缩方式", "unsupported content encoding")
        )
    declared = request.headers.get("content-length")
    if declared is not None and (not ascii_digits(declared) or int(declared) > limit):
        raise Refused(413, "too_large", TOO_LARGE, limit=limit)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Refused(413, "too_large", TOO_LARGE, limit=limit)
            chunks.append(chunk)
    except ClientDisconnect:
        # the upload was cut off: nothing of it is stored, and nobody waits for an answer
        raise Refused(400, "incomplete", Msg("上传中断", "upload cut off")) from None
    raw = b"".join(chunks)
    inflated_limit = MAX_INFLATED if limit >= MAX_BODY else limit
    # every body, however small, is inflated and parsed in a worker thread: never on the loop
    return await run_in_threadpool(decode_body, raw, encoding == "gzip", inflated_limit)


def decode_body(raw: bytes, gzipped: bool, inflated_limit: int = MAX_INFLATED) -> Any:
    """Inflate (when gzipped) and parse a body strictly, within the budgets; :class:`Refused`."""
    if gzipped:
        raw = gunzip_capped(raw, inflated_limit)
    if raw.count(b"{") + raw.count(b"[") > MAX_CONTAINERS:
        raise Refused(413, "too_many_elements", TOO_DEEP, max_elements=MAX_CONTAINERS)
    try:
        doc = json.loads(raw, parse_constant=_no_constant, parse_float=_number)
    except RecursionError:
        raise Refused(400, "too_deep", TOO_DEEP, max_depth=MAX_DEPTH) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "bad_json", BAD_JSON) from exc
    if too_deep(doc, MAX_DEPTH):
        raise Refused(400, "too_deep", TOO_DEEP, max_depth=MAX_DEPTH)
    return doc


def _no_constant(name: str) -> Any:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON (RFC 8259): refused."""
    raise ValueError(f"non-standard JSON constant {name}")


def _number(text: str) -> float | int:
    """A JSON number with a fraction or an exponent. Too large for a double (``1e400``, which
    Python would read as infinity): refused. Integral (``3.0``, ``1e2``): the integer, as JSON
    and JSON Schema see it (no other number model), up to 2**53 where a double is exact."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    if value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def too_deep(doc: Any, limit: int) -> bool:
    """True when ``doc`` nests containers more than ``limit`` deep (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def clean_text(doc: Any) -> bool:
    """True when every string (keys too) in ``doc`` is valid Unicode text: no lone surrogate
    (which ``\\ud800`` in JSON can smuggle in and which cannot be stored as UTF-8) and no NUL
    character (``\\u0000``, which PostgreSQL's text cannot hold)."""
    try:
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, str) and "\x00" in node:
            return False
        if isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def gunzip_capped(raw: bytes, limit: int = MAX_INFLATED) -> bytes:
    """Inflate one gzip stream, refusing it once it grows past ``limit`` or when anything
    follows the stream (a second member or trailing bytes are not part of the request)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, limit + 1)
        if len(out) > limit or inflater.unconsumed_tail:
            raise Refused(413, "too_large", TOO_LARGE, limit=limit)
        if not inflater.eof:
            raise Refused(400, "bad_gzip", Msg("压缩数据不完整", "truncated gzip body"))
        if inflater.unused_data:
            raise Refused(
                400, "bad_gzip", Msg("压缩数据之后还有多余内容", "data after the gzip stream")
            )
    except zlib.error as exc:
        raise Refused(400, "bad_gzip", Msg("压缩数据损坏", "corrupt gzip body")) from exc
    return out
