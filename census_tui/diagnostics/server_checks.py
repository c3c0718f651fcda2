"""Server checks: reachable, TLS valid, latency, clock skew against ``GET /api/v1/time``.

One request answers all four, so the probe runs once per report (kept in ``ctx.cache``). TLS
verification is always on, with the sync client's own trust (``transport.tls_verify``): pinned
to the profile's CA file when the profile is open (``ctx.ca_file``), else the default trust.
Plain ``http://`` is accepted only to loopback (DESIGN, sync), which is what the training server
and the tests use.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from census_tui.clock import parse_iso
from census_tui.diagnostics.checks import CheckResult, DiagContext, fail, ok, skipped, warn
from census_tui.i18n import Msg

TIME_PATH = "/api/v1/time"
LATENCY_WARN_MS = 2000
SKEW_WARN_S = 120
"""Two minutes: visit times and the standard time (FACTS: 2020-11-01 00:00) need a right clock."""
SKEW_FAIL_S = 900

NO_SERVER = Msg(
    "未指定服务器地址（无密码时请用 --server 指定）。",
    "No server address known (give --server, or the password so it is read from the profile).",
)
REMEDY_NETWORK = Msg(
    "检查网络（移动数据或 Wi-Fi）与服务器地址；稍后再试。数据已保存在本机，不会丢失。",
    "Check the network (mobile data or Wi-Fi) and the server address; try again later. "
    "Work is saved on this device and is not lost.",
)

TLS_UNTRUSTED = Msg(
    "服务器的 TLS 证书无效或不受信任（签发机构不对，或证书不是给这个地址的）。",
    "The server's TLS certificate is invalid or not trusted (wrong issuer, or not made for "
    "this address).",
)
REMEDY_UNTRUSTED = Msg(
    "不要在此网络上同步（可能被劫持）；确认服务器地址，以及登录时 --ca-file 用的是普查机构"
    "发的 CA 证书；仍不行请联系技术支持。",
    "Do not sync on this network (it may be intercepting traffic); check the server address "
    "and that login used the census office's CA certificate (--ca-file); then call support.",
)
TLS_DATE = Msg(
    "服务器的 TLS 证书已过期或尚未生效（或本机日期不对）。",
    "The server's TLS certificate has expired or is not yet valid (or this device's date is "
    "wrong).",
)
REMEDY_TLS_DATE = Msg(
    "检查本机日期时间是否正确（自动对时）；日期正确则请联系技术支持：服务器证书需要更新。",
    "Check the device's date and time (automatic time); if they are right, call support: the "
    "server's certificate must be renewed.",
)
TLS_CA_FILE = Msg(
    "登录时指定的 CA 证书文件无法读取，未连接服务器。",
    "The CA certificate file given at login cannot be read; the server was not contacted.",
)
REMEDY_CA_FILE = Msg(
    "把普查机构发的 CA 证书文件放回原处，或用 login --ca-file 重新登录。",
    "Put the census office's CA certificate file back where it was, or log in again with "
    "login --ca-file.",
)


@dataclass(frozen=True, slots=True)
class Probe:
    """The outcome of one ``GET /api/v1/time``."""

    url: str
    error: str | None = None
    """``None`` or one of ``tls``, ``tls_date`` (expired or not yet valid), ``ca_file`` (the
    pinned CA file unreadable), ``plain_http``, ``unreachable``, ``timeout``, ``bad_answer``."""
    status: int | None = None
    latency_ms: int | None = None
    skew_s: float | None = None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _tls_error(exc: BaseException) -> str | None:
    """``tls_date``, ``tls`` or ``None``, read with the sync client's own classification."""
    from census_tui.sync.transport import TLS_DATE, tls_failure

    found = tls_failure(exc)
    if found is None:
        return None
    return "tls_date" if found == TLS_DATE else "tls"


def probe(ctx: DiagContext) -> Probe:
    """Ask the server for its time once; never raises."""
    import httpx

    from census_tui.errors import BadInput
    from census_tui.sync.transport import tls_verify

    assert ctx.server is not None
    base = ctx.server.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        return Probe(base, error="plain_http")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return Probe(base, error="unreachable")
    try:
        # the same trust as sync: the profile's pinned CA when the profile is open
        verify = tls_verify(ctx.ca_file, ctx.ca_pem)
    except BadInput:
        return Probe(base, error="ca_file")
    started = ctx.clock.monotonic()
    sent_at = ctx.clock.now()
    try:
        with httpx.Client(timeout=ctx.timeout, verify=verify, trust_env=False) as client:
            response = client.get(base + TIME_PATH)
    except httpx.TimeoutException:
        return Probe(base, error="timeout")
    except httpx.HTTPError as exc:
        return Probe(base, error=_tls_error(exc) or "unreachable")
    elapsed = max(0.0, ctx.clock.monotonic() - started)
    latency_ms = int(elapsed * 1000)
    try:
        body = response.json()
        server_time = parse_iso(str(body["server_time"]))
    except (ValueError, KeyError, TypeError):
        return Probe(base, error="bad_answer", status=response.status_code, latency_ms=latency_ms)
    if response.status_code != 200:
        return Probe(base, error="bad_answer", status=response.status_code, latency_ms=latency_ms)
    # The server read its clock about half-way through the round trip.
    local_mid = sent_at.timestamp() + elapsed / 2
    skew = server_time.timestamp() - local_mid
    return Probe(base, status=200, latency_ms=latency_ms, skew_s=round(skew, 1))


def _probe_cached(ctx: DiagContext) -> Probe:
    found = ctx.cache.get("server_probe")
    if isinstance(found, Probe):
        return found
    result = probe(ctx)
    ctx.cache["server_probe"] = result
    return result


def check_server(ctx: DiagContext) -> Iterator[CheckResult]:
    """server.reachable, server.tls, server.latency, server.clock_skew."""
    ids = ("server.reachable", "server.tls", "server.latency", "server.clock_skew")
    if not ctx.server:
        for check_id in ids:
            yield skipped(check_id, NO_SERVER)
        return
    p = _probe_cached(ctx)
    unreached = Msg("服务器不可达，未检查。", "Not checked: the server was not reached.")
    if p.error == "plain_http":
        yield fail(
            "server.tls",
            Msg(
                "服务器地址使用不加密的 http://，只允许用于本机。",
                "The server address uses unencrypted http://, allowed only to this machine.",
            ),
            Msg("请使用 https:// 开头的服务器地址。", "Use the https:// server address."),
        )
        for check_id in ("server.reachable", "server.latency", "server.clock_skew"):
            yield skipped(check_id, unreached)
        return
    if p.error == "ca_file":
        yield skipped("server.reachable", unreached)
        yield fail("server.tls", TLS_CA_FILE, REMEDY_CA_FILE, pinned=True)
        for check_id in ("server.latency", "server.clock_skew"):
            yield skipped(check_id, unreached)
        return
    if p.error in {"tls", "tls_date"}:
        yield ok("server.reachable", Msg("服务器可以连接。", "The server answers."))
        if p.error == "tls_date":
            yield fail("server.tls", TLS_DATE, REMEDY_TLS_DATE, pinned=ctx.ca_file is not None)
        else:
            yield fail(
                "server.tls", TLS_UNTRUSTED, REMEDY_UNTRUSTED, pinned=ctx.ca_file is not None
            )
        for check_id in ("server.latency", "server.clock_skew"):
            yield skipped(check_id, unreached)
        return
    if p.error in {"unreachable", "timeout"}:
        what = "超时" if p.error == "timeout" else "无法连接"
        yield fail(
            "server.reachable",
            Msg(
                f"服务器{what}。",
                "The server timed out."
                if p.error == "timeout"
                else "The server cannot be reached.",
            ),
            REMEDY_NETWORK,
        )
        for check_id in ids[1:]:
            yield skipped(check_id, unreached)
        return
    if p.error == "bad_answer":
        yield fail(
            "server.reachable",
            Msg(
                f"服务器回答异常（HTTP {p.status}）。",
                f"The server answered oddly (HTTP {p.status}).",
            ),
            Msg("检查服务器地址是否正确。", "Check the server address."),
            status=p.status,
        )
        for check_id in ids[1:]:
            yield skipped(check_id, unreached)
        return
    yield ok("server.reachable", Msg("服务器可以连接。", "The server answers."), status=p.status)
    if urlsplit(p.url).scheme == "https":
        yield ok(
            "server.tls",
            Msg("TLS 证书有效。", "The TLS certificate is valid."),
            pinned=ctx.ca_file is not None,
        )
    else:
        yield skipped(
            "server.tls",
            Msg(
                "本机服务器（http，培训或测试），无 TLS。",
                "A server on this machine (http, training or tests): no TLS.",
            ),
        )
    latency = p.latency_ms or 0
    lat_msg = Msg(f"往返延迟 {latency} 毫秒。", f"Round trip {latency} ms.")
    if latency > LATENCY_WARN_MS:
        yield warn(
            "server.latency",
            lat_msg,
            Msg(
                "网络较慢，同步会较久；可换到信号更好的地方。",
                "The network is slow; sync will take longer. Move to better signal.",
            ),
            latency_ms=latency,
        )
    else:
        yield ok("server.latency", lat_msg, latency_ms=latency)
    skew = p.skew_s or 0.0
    skew_msg = Msg(
        f"本机时钟与服务器相差 {skew:+.0f} 秒。",
        f"This device's clock differs from the server's by {skew:+.0f} s.",
    )
    skew_fix = Msg(
        "在系统设置中校准日期和时间（自动对时）。",
        "Correct the date and time in the system settings (automatic time).",
    )
    if abs(skew) > SKEW_FAIL_S:
        yield fail("server.clock_skew", skew_msg, skew_fix, skew_s=skew)
    elif abs(skew) > SKEW_WARN_S:
        yield warn("server.clock_skew", skew_msg, skew_fix, skew_s=skew)
    else:
        yield ok("server.clock_skew", skew_msg, skew_s=skew)


SERVER_CHECKS = (check_server,)
