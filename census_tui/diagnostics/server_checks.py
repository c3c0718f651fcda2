"""Server checks: reachable, TLS valid, latency, clock skew against ``GET /api/v1/time``.

One request answers all four, so the probe runs once per report (kept in ``ctx.cache``). TLS
verification is always on; plain ``http://`` is accepted only to loopback (DESIGN, sync), which
is what the training server and the tests use.
"""

from __future__ import annotations

import ipaddress
import ssl
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


@dataclass(frozen=True, slots=True)
class Probe:
    """The outcome of one ``GET /api/v1/time``."""

    url: str
    error: str | None = None
    """``None`` or one of ``tls``, ``plain_http``, ``unreachable``, ``timeout``, ``bad_answer``."""
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


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(seen) or "SSL" in type(seen).__name__:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def probe(ctx: DiagContext) -> Probe:
    """Ask the server for its time once; never raises."""
    import httpx

    assert ctx.server is not None
    base = ctx.server.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        return Probe(base, error="plain_http")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return Probe(base, error="unreachable")
    started = ctx.clock.monotonic()
    sent_at = ctx.clock.now()
    try:
        with httpx.Client(timeout=ctx.timeout, verify=True, trust_env=False) as client:
            response = client.get(base + TIME_PATH)
    except httpx.TimeoutException:
        return Probe(base, error="timeout")
    except httpx.HTTPError as exc:
        return Probe(base, error="tls" if _is_tls_error(exc) else "unreachable")
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
    if p.error == "tls":
        yield ok("server.reachable", Msg("服务器可以连接。", "The server answers."))
        yield fail(
            "server.tls",
            Msg(
                "服务器的 TLS 证书无效或不受信任。",
                "The server's TLS certificate is invalid or not trusted.",
            ),
            Msg(
                "检查设备日期时间是否正确；仍不行请联系技术支持（可能是网络被劫持）。",
                "Check the device's date and time; then call support (the network may be "
                "intercepting traffic).",
            ),
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
        yield ok("server.tls", Msg("TLS 证书有效。", "The TLS certificate is valid."))
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
