"""Request bodies in, JSON answers out: size caps, gzip, strict JSON, one error shape.

Every refusal is a 4xx with ``{"error": code, "message": {"zh": ..., "en": ...}}`` so that a
client (or a person reading a log) sees the reason. The body is capped before and after gunzip,
so a gzip bomb costs the server at most ``MAX_INFLATED`` bytes of memory.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from census_tui.i18n import Msg

MAX_BODY = 8 * 1024 * 1024
"""Largest request body on the wire (compressed or not)."""
MAX_INFLATED = 32 * 1024 * 1024
"""Largest request body after gunzip."""


class Refused(Exception):
    """A request the server answers with a 4xx and a reason."""

    def __init__(self, status: int, code: str, msg: Msg, **extra: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.msg = msg
        self.extra = extra

    def response(self) -> JSONResponse:
        body = {"error": self.code, "message": {"zh": self.msg.zh, "en": self.msg.en}}
        body.update(self.extra)
        return JSONResponse(body, status_code=self.status)


TOO_LARGE = Msg("上传内容过大", "upload too large")
BAD_JSON = Msg("请求不是有效的 JSON", "request body is not valid JSON")


def answer(body: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


async def read_json(request: Request) -> Any:
    """The request's JSON body, after the size caps and an optional gzip decoding."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise Refused(415, "unsupported_media_type", Msg("须为 JSON", "body must be JSON"))
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise Refused(413, "too_large", TOO_LARGE, limit=MAX_BODY)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise Refused(413, "too_large", TOO_LARGE, limit=MAX_BODY)
            chunks.append(chunk)
    except ClientDisconnect:
        # the upload was cut off: nothing of it is stored, and nobody waits for an answer
        raise Refused(400, "incomplete", Msg("上传中断", "upload cut off")) from None
    raw = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        raw = gunzip_capped(raw)
    elif encoding not in ("", "identity"):
        raise Refused(
            415, "unsupported_encoding", Msg("不支持的压缩方式", "unsupported content encoding")
        )
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "bad_json", BAD_JSON) from exc


def gunzip_capped(raw: bytes) -> bytes:
    """Inflate a gzip body, refusing it once it grows past ``MAX_INFLATED``."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, MAX_INFLATED + 1)
        if len(out) > MAX_INFLATED or inflater.unconsumed_tail:
            raise Refused(413, "too_large", TOO_LARGE, limit=MAX_INFLATED)
        if not inflater.eof:
            raise Refused(400, "bad_gzip", Msg("压缩数据不完整", "truncated gzip body"))
    except zlib.error as exc:
        raise Refused(400, "bad_gzip", Msg("压缩数据损坏", "corrupt gzip body")) from exc
    return out
