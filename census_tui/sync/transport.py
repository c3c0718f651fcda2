"""HTTP for sync: one httpx client, bounded retries, and answers checked before anyone reads them.

Why each piece:
* ``http://`` only to loopback (the reference server in tests and demos); TLS verification is
  always on, optionally pinned to the census office's own CA (``ca_pem``: the certificate text
  a profile keeps in its encrypted database; see :mod:`census_tui.sync.pins`).
* Per-request timeouts (httpx) plus a per-request transfer limit (a slow drip defeats read
  timeouts), and an overall deadline on the injected :class:`Clock` across retries.
* Exponential backoff with full jitter, sleeping on ``clock.sleep`` (tests pass a FakeClock).
* The answer body is read raw, inflated here with a cap (gzip bombs), and must be JSON with the
  JSON content type; anything else (a captive portal's HTML page with 200, garbage, a huge body)
  becomes a :class:`NetworkError` that says so. Nothing here ever touches the outbox.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import random
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

import httpx

from census_tui.clock import Clock
from census_tui.errors import AuthError, BadInput, LoginExpired, NetworkError
from census_tui.i18n import Msg
from census_tui.sync import messages as m
from census_tui.sync.schema import BadAnswer

MAX_ANSWER = 4 * 1024 * 1024
"""Largest answer body accepted (after gunzip)."""
GZIP_OVER = 1024
"""Request bodies larger than this are sent gzip-compressed."""
_DATE_CODES = (9, 10)
"""OpenSSL's X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED."""

CA_FILE_BAD = Msg(
    "无法读取 CA 证书文件（请检查 --ca-file 指定的文件是否存在且为 PEM 证书）",
    "the CA certificate file cannot be read (check that the --ca-file file exists and is a PEM"
    " certificate)",
)
TLS_DATE = Msg(
    "服务器证书已过期或尚未生效（也可能是本机日期不对），已拒绝连接；请检查本机日期时间",
    "the server's certificate has expired or is not yet valid (or this device's date is wrong);"
    " connection refused; check the device's date and time",
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Defaults suit a field network; tests shrink the timeouts."""

    attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    deadline: float = 300.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    transfer_limit: float = 60.0
    """Real seconds allowed for one whole answer to arrive (network time is real time)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A checked answer: the HTTP status and the parsed JSON body."""

    status: int
    body: Any


class _Retry(Exception):
    """A failure worth another attempt; carries the message to show if attempts run out."""

    def __init__(self, msg: Msg, retry_after: float | None = None) -> None:
        super().__init__(msg.en)
        self.msg = msg
        self.retry_after = retry_after


def check_server_url(url: str) -> str:
    """The base URL without a trailing slash; ``http://`` is refused except to loopback."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(m.BAD_URL)
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise BadInput(m.PLAIN_HTTP)
    return url.strip().rstrip("/")


def tls_verify(ca_file: str | None, ca_pem: str | None = None) -> ssl.SSLContext | bool:
    """What the client verifies the server against: the operating system's trust store (where
    a census office installs its CA on managed devices, along with the public CAs), or only
    the pinned CA: ``ca_pem`` (the certificate text a profile keeps in its encrypted database,
    preferred) or the given CA file. A missing or unreadable CA is a :class:`BadInput`."""
    if ca_pem:
        try:
            return ssl.create_default_context(cadata=ca_pem)
        except (OSError, ValueError):  # ssl.SSLError is an OSError
            raise BadInput(CA_FILE_BAD) from None
    if not ca_file:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=ca_file)
    except (OSError, ValueError):
        raise BadInput(CA_FILE_BAD) from None


MAX_CA_FILE = 1024 * 1024


def read_ca_file(ca_file: str) -> str:
    """The PEM text of a CA file, read once and checked to load as trust anchors: what a
    profile pins (the file may change later; the pinned text does not)."""
    try:
        with open(ca_file, "rb") as fh:
            data = fh.read(MAX_CA_FILE + 1)
        pem = data.decode("ascii")
    except (OSError, UnicodeDecodeError):
        raise BadInput(CA_FILE_BAD) from None
    if len(data) > MAX_CA_FILE or "-----BEGIN CERTIFICATE-----" not in pem:
        raise BadInput(CA_FILE_BAD)
    tls_verify(None, pem)
    return pem


def tls_failure(exc: BaseException) -> Msg | None:
    """The message for a failed certificate check somewhere in ``exc``'s chain, else ``None``:
    a dated certificate (expired, not yet valid) gets its own message, as the device's clock
    is the likely culprit in the field."""
    seen: BaseException | None = exc
    found = False
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return TLS_DATE if seen.verify_code in _DATE_CODES else m.TLS
        if isinstance(seen, ssl.SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(seen).upper():
            found = True
        seen = seen.__cause__ or seen.__context__
    return m.TLS if found else None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _error_text(body: bytes) -> str:
    """The reason in a server's error answer, if it has the protocol's shape (else empty)."""
    try:
        doc = json.loads(body)
        msg = doc.get("message", {}) if isinstance(doc, dict) else {}
        text = msg.get("en") if isinstance(msg, dict) else None
        return str(text)[:200] if isinstance(text, str) else ""
    except (ValueError, UnicodeDecodeError):
        return ""


class ApiClient:
    """Calls to one sync server. Use as a context manager (it owns an httpx.Client)."""

    def __init__(
        self,
        base_url: str,
        *,
        clock: Clock,
        token: str | None = None,
        ca_file: str | None = None,
        ca_pem: str | None = None,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = check_server_url(base_url)
        self.clock = clock
        self.token = token
        self.policy = policy or RetryPolicy()
        self._rng = rng or random.Random()
        verify = tls_verify(ca_file, ca_pem)
        p = self.policy
        self._http = httpx.Client(
            base_url=self.base_url,
            verify=verify,
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout),
            headers={"Accept": "application/json", "Accept-Encoding": "gzip"},
            follow_redirects=False,
            trust_env=False,
        )
        self._started: float | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start_deadline(self) -> None:
        """Start the overall deadline now (a sync run calls this once at its start)."""
        self._started = self.clock.monotonic()

    def _past_deadline(self, extra: float = 0.0) -> bool:
        if self._started is None:
            return False
        return self.clock.monotonic() + extra - self._started > self.policy.deadline

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_json: bytes | None = None,
        params: dict[str, str] | None = None,
        accept: tuple[int, ...] = (200,),
        check: Callable[[Answer], None] | None = None,
    ) -> Answer:
        """One protocol call with retries.

        Statuses in ``accept`` are answers; 401 is an :class:`AuthError`; other 4xx a
        :class:`NetworkError` with the server's reason; 5xx, timeouts, resets and unreadable
        answers are retried, then a :class:`NetworkError`. ``check`` reads the answer strictly;
        when it raises :class:`BadAnswer` the attempt counts as a garbled answer (retried).
        """
        if raw_json is None and json_body is not None:
            raw_json = json.dumps(json_body, ensure_ascii=False).encode()
        headers: dict[str, str] = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        content = raw_json
        if raw_json is not None:
            headers["Content-Type"] = "application/json"
            if len(raw_json) > GZIP_OVER:
                content = gzip.compress(raw_json, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
        if self._started is None:
            self.start_deadline()
        last = m.UNREACHABLE
        for attempt in range(self.policy.attempts):
            if self._past_deadline():
                raise NetworkError(m.DEADLINE)
            try:
                answer = self._once(method, path, content, headers, params, accept)
                if check is not None:
                    try:
                        check(answer)
                    except BadAnswer as exc:
                        if not exc.retry:  # the same answer would come again
                            raise NetworkError(exc.msg) from exc
                        raise _Retry(exc.msg) from exc
                return answer
            except _Retry as r:
                last = r.msg
                if attempt + 1 == self.policy.attempts:
                    break
                delay = self._rng.uniform(
                    0, min(self.policy.backoff_cap, self.policy.backoff_base * 2**attempt)
                )
                if r.retry_after is not None:
                    delay = max(delay, min(r.retry_after, self.policy.backoff_cap))
                if self._past_deadline(delay):
                    raise NetworkError(m.DEADLINE) from None
                self.clock.sleep(delay)
        raise NetworkError(last)

    def _once(
        self,
        method: str,
        path: str,
        content: bytes | None,
        headers: dict[str, str],
        params: dict[str, str] | None,
        accept: tuple[int, ...],
    ) -> Answer:
        try:
            request = self._http.build_request(
                method, path, content=content, headers=headers, params=params
            )
            response = self._http.send(request, stream=True)
            try:
                raw = self._read(response)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise _Retry(m.TIMEOUT) from exc
        except httpx.ConnectError as exc:
            tls = tls_failure(exc)
            if tls is not None:
                raise NetworkError(tls) from None
            raise _Retry(m.UNREACHABLE) from exc
        except httpx.HTTPError as exc:
            raise _Retry(m.UNREACHABLE) from exc
        status = response.status_code
        if status in accept:
            return Answer(status, self._parse(response, raw))
        if status == 401:
            if self.token:
                raise LoginExpired(m.TOKEN_REFUSED)
            raise AuthError(m.BAD_CREDENTIALS)
        if status == 429 or status >= 500:
            raise _Retry(m.SERVER_ERROR.format(status=status), _retry_after(response))
        if 400 <= status < 500:
            reason = _error_text(raw) or "-"
            raise NetworkError(m.REFUSED.format(status=status, reason=reason))
        # 1xx/2xx/3xx we did not ask for: a redirect to a portal, a proxy's page.
        raise _Retry(_bad_kind(response))

    def _read(self, response: httpx.Response) -> bytes:
        """The whole body, inflated, within the size cap and the transfer time limit."""
        encoding = response.headers.get("content-encoding", "identity").lower().strip()
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding == "gzip" else None
        if encoding not in ("gzip", "identity", ""):
            raise _Retry(m.BAD_ANSWER)
        began = time.monotonic()
        out = bytearray()
        try:
            for chunk in response.iter_raw():
                if inflater is not None:
                    chunk = inflater.decompress(chunk, MAX_ANSWER + 1 - len(out))
                out += chunk
                if len(out) > MAX_ANSWER:
                    raise _Retry(m.TOO_BIG)
                if time.monotonic() - began > self.policy.transfer_limit:
                    raise _Retry(m.TIMEOUT)
        except zlib.error as exc:
            raise _Retry(m.BAD_ANSWER) from exc
        if inflater is not None and not inflater.eof and out:
            raise _Retry(m.BAD_ANSWER)
        return bytes(out)

    def _parse(self, response: httpx.Response, raw: bytes) -> Any:
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise _Retry(_bad_kind(response))
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise _Retry(m.BAD_ANSWER) from exc


def _bad_kind(response: httpx.Response) -> Msg:
    ctype = response.headers.get("content-type", "").lower()
    return m.CAPTIVE if "html" in ctype or response.is_redirect else m.BAD_ANSWER


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
