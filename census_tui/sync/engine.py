"""One sync run: check the server, push the outbox, pull assignments and supervisor returns.

The rules that keep data safe (DESIGN.md Sync):
* an outbox item leaves only after the server acknowledged that very item (``stored`` or
  ``duplicate``); a refused item stays, with the reason, and the run goes on with the rest;
* a bad or missing answer acknowledges nothing: the next run sends the batch again and the
  server, idempotent by case UUID + revision, answers ``duplicate``. So an interrupted run (a
  dropped network, a killed process) simply resumes;
* training data never goes to a real server, nor real data to a training server;
* cursors move only together with the data they cover (one store transaction).

Every run writes one sync-log entry (counts, result, error text without personal data).
The store is used from the calling thread only (the TUI runs this in a thread worker).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from census_tui.clock import Clock, iso, parse_iso
from census_tui.errors import AuthError, CensusError, ConflictError, NoProfile
from census_tui.exitcodes import ExitCode
from census_tui.i18n import Msg
from census_tui.store import (
    META_AREA,
    META_SERVER_URL,
    META_TOKEN,
    META_TRAINING,
    Area,
    Dwelling,
    NotFound,
    OutboxItem,
    Store,
)
from census_tui.sync import events as ev
from census_tui.sync import messages as m
from census_tui.sync import transfer
from census_tui.sync.api import SyncApi
from census_tui.sync.auto import META_CLOCK_SKEW, META_CLOCK_SKEW_AT, SKEW_LIMIT_S
from census_tui.sync.pins import META_CA_FILE as META_CA_FILE  # re-exported
from census_tui.sync.pins import pinned_ca
from census_tui.sync.schema import BadAnswer, ItemResult, ServerInfo
from census_tui.sync.transport import RetryPolicy
from census_tui.visit.states import CaseState, can_move, move

_log = logging.getLogger(__name__)
"""Counts and results only (logsetup masks ID- and phone-shaped strings as a last defence)."""

KIND_HOUSEHOLD = "household"
KIND_OUTCOME = "outcome"
META_ASSIGNMENTS_CURSOR = "sync_assignments_cursor"
META_RETURNS_CURSOR = "sync_returns_cursor"
EVENT_RETURNED = "supervisor_returned"
EVENT_APPROVED = "supervisor_approved"
DEFAULT_BATCH = 100


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a run is: ``phase`` is check, push, pull or done; ``done`` of ``total`` items."""

    done: int
    total: int
    phase: str


ProgressFn = Callable[[SyncProgress], None]


@dataclass(slots=True)
class SyncSummary:
    """What a run did. ``error`` is None on success; ``refused`` items stay in the outbox."""

    sent: int = 0
    acked: int = 0
    duplicates: int = 0
    refused: int = 0
    conflicts: int = 0
    pulled: int = 0
    returned: int = 0
    remaining: int = 0
    error: Msg | None = None
    exit_code: ExitCode = ExitCode.OK
    refused_reasons: list[str] = field(default_factory=list)
    clock_skew: int | None = None
    """Server time minus device time (s) measured by this run; None when not reached."""
    events: int = 0
    """Visit events the server acknowledged (sync/events.py; not counted in sent/acked,
    which count households and outcomes)."""

    @property
    def result(self) -> str:
        if self.error is not None:
            return "error"
        return "partial" if self.refused else "ok"

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form (no personal data)."""
        return {
            "result": self.result,
            "sent": self.sent,
            "acked": self.acked,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "conflicts": self.conflicts,
            "pulled": self.pulled,
            "returned": self.returned,
            "remaining": self.remaining,
            "error": None if self.error is None else {"zh": self.error.zh, "en": self.error.en},
            "refused_reasons": self.refused_reasons[:20],
            "clock_skew_s": self.clock_skew,
            "events": self.events,
        }


def forget_cursors(store: Store) -> None:
    """Make the next run fetch everything the server has for the account (``census-tui sync
    --full``, a new or restored device): areas, dwellings, every case owned with its latest
    revision, history and return (docs/protocol.md "Moving work"). Nothing local is lost:
    cases merge by UUID and revision (sync/transfer.py)."""
    with store.transaction():
        store.set_meta(META_ASSIGNMENTS_CURSOR, None)
        store.set_meta(META_RETURNS_CURSOR, None)


def sync_store(
    store: Store,
    *,
    clock: Clock,
    progress: ProgressFn | None = None,
    policy: RetryPolicy | None = None,
    batch_size: int = DEFAULT_BATCH,
    cancel: threading.Event | None = None,
) -> SyncSummary:
    """Sync an unlocked profile with the server it logged in to (URL and token in its meta).

    The function the CLI and the TUI's background worker call. Never raises a CensusError:
    failures come back in ``summary.error`` / ``summary.exit_code``.
    """
    url, token = store.get_meta(META_SERVER_URL), store.get_meta(META_TOKEN)
    if not url or not token:
        summary = SyncSummary(remaining=store.outbox_depth())
        summary.error, summary.exit_code = m.NOT_LOGGED_IN, NoProfile.exit_code
        store.add_sync_log("sync", "error", error=m.NOT_LOGGED_IN.en)
        return summary
    try:
        api = SyncApi(
            url,
            clock=clock,
            token=token,
            policy=policy,
            ca_pem=pinned_ca(store),
        )
    except CensusError as exc:
        summary = SyncSummary(remaining=store.outbox_depth())
        summary.error, summary.exit_code = exc.msg, exc.exit_code
        return summary
    with api:
        return run_sync(store, api, progress=progress, batch_size=batch_size, cancel=cancel)


def run_sync(
    store: Store,
    api: SyncApi,
    *,
    progress: ProgressFn | None = None,
    batch_size: int = DEFAULT_BATCH,
    cancel: threading.Event | None = None,
) -> SyncSummary:
    """One run over an open API client (see :func:`sync_store`)."""
    report = progress or (lambda _p: None)
    summary = SyncSummary()
    api.start_deadline()
    try:
        report(SyncProgress(0, 1, "check"))
        before = api.clock.now()
        info = api.info()
        summary.clock_skew = _measure_skew(store, api, info, before)
        _check_training(store, info)
        _push(store, api, summary, report, min(batch_size, info.max_batch), cancel)
        if cancel is None or not cancel.is_set():
            report(SyncProgress(0, 2, "pull"))
            summary.pulled = _pull_assignments(store, api)
            report(SyncProgress(1, 2, "pull"))
            summary.returned = _pull_returns(store, api)
            report(SyncProgress(2, 2, "pull"))
    except CensusError as exc:
        summary.error, summary.exit_code = exc.msg, exc.exit_code
    summary.remaining = store.outbox_depth()
    store.add_sync_log(
        "sync",
        summary.result,
        sent=summary.sent,
        acked=summary.acked,
        error=summary.error.en if summary.error else "; ".join(summary.refused_reasons[:3]),
    )
    report(SyncProgress(summary.acked, summary.acked + summary.remaining, "done"))
    _log.info(
        "sync %s: sent=%d acked=%d duplicates=%d refused=%d pulled=%d returned=%d remaining=%d",
        summary.result,
        summary.sent,
        summary.acked,
        summary.duplicates,
        summary.refused,
        summary.pulled,
        summary.returned,
        summary.remaining,
    )
    if summary.error is not None:
        _log.warning("sync error: %s", summary.error.en)
    return summary


def _measure_skew(store: Store, api: SyncApi, info: ServerInfo, before: datetime) -> int | None:
    """The device clock's offset from the server's (server minus device, whole seconds: the
    server's time is given to the second), against the middle of the ``/info`` call; kept in
    the profile for the dashboard and sent with every upload of this run
    (``X-Clock-Offset``) so that the server can correct the times the device recorded."""
    after = api.clock.now()
    try:
        server = parse_iso(info.server_time)
    except ValueError:
        return None
    skew = round((server - (before + (after - before) / 2)).total_seconds())
    store.set_meta(META_CLOCK_SKEW, str(skew))
    store.set_meta(META_CLOCK_SKEW_AT, iso(after))
    api.report_clock_offset(skew)
    if abs(skew) > SKEW_LIMIT_S:
        _log.warning("device clock offset %+d s (beyond %d s)", skew, SKEW_LIMIT_S)
    return skew


def _check_training(store: Store, info: ServerInfo) -> None:
    profile_training = store.get_meta(META_TRAINING) == "1"
    if profile_training and not info.training:
        raise ConflictError(m.TRAINING_TO_REAL)
    if info.training and not profile_training:
        raise ConflictError(m.REAL_TO_TRAINING)


def _payload_training(item: OutboxItem) -> bool | None:
    """The ``training`` flag inside a payload (None when unreadable: the server will say)."""
    try:
        doc = json.loads(item.payload)
    except (ValueError, UnicodeDecodeError):
        return None
    flag = doc.get("training") if isinstance(doc, dict) else None
    return flag if isinstance(flag, bool) else None


def _push(
    store: Store,
    api: SyncApi,
    summary: SyncSummary,
    report: ProgressFn,
    batch_size: int,
    cancel: threading.Event | None,
) -> None:
    skip: set[int] = set()
    ev.export_events(store)
    total = store.outbox_depth()
    report(SyncProgress(0, total, "push"))
    while cancel is None or not cancel.is_set():
        items = [i for i in store.outbox_pending(batch_size + len(skip)) if i.id not in skip]
        items = items[:batch_size]
        if not items:
            return
        for kind, send in (
            (KIND_HOUSEHOLD, api.push_households),
            (KIND_OUTCOME, api.push_outcomes),
        ):
            group = []
            for item in (i for i in items if i.kind == kind):
                flag = _payload_training(item)
                if kind == KIND_HOUSEHOLD and store.is_withdrawn(item.case_uuid):
                    _refuse(store, summary, skip, item, transfer.WITHDRAWN_REASON)
                elif flag is not None and flag != (store.get_meta(META_TRAINING) == "1"):
                    _refuse(store, summary, skip, item, "training_mismatch (kept on device)")
                else:
                    group.append(item)
            if group:
                results = send([i.payload for i in group])
                summary.sent += len(group)
                _settle(store, summary, skip, group, results, kind)
        for item in (i for i in items if i.kind == ev.KIND_EVENTS):
            _push_events(store, api, summary, skip, item)
        for item in items:
            if item.kind not in (KIND_HOUSEHOLD, KIND_OUTCOME, ev.KIND_EVENTS):
                _refuse(store, summary, skip, item, f"unknown outbox kind {item.kind[:20]!r}")
        report(SyncProgress(summary.acked + len(skip), total, "push"))


def _push_events(
    store: Store, api: SyncApi, summary: SyncSummary, skip: set[int], item: OutboxItem
) -> None:
    """Send one chunk of events (sync/events.py); what the server refused stays, with why."""
    events = ev.chunk_events(item)
    if not events:
        _refuse(store, summary, skip, item, "events: unreadable chunk (kept on device)")
        return
    results = api.push_events(item.payload, len(events))
    if results is None:
        _refuse(store, summary, skip, item, "events: the server takes no events yet (kept)")
        return
    waiting, reasons = ev.settle_chunk(store, item, events, results)
    summary.events += sum(1 for r in results if r.acked)
    if waiting:
        skip.update(waiting)
        summary.refused += 1
        summary.refused_reasons.extend(reasons)


def _settle(
    store: Store,
    summary: SyncSummary,
    skip: set[int],
    group: list[OutboxItem],
    results: list[ItemResult],
    kind: str,
) -> None:
    """Apply a batch's answers: all are checked against the items before anything is acked."""
    for item, res in zip(group, results, strict=True):
        if res.key and res.key != item.case_uuid:
            raise BadAnswer("result: key does not match the item sent")
        if kind == KIND_HOUSEHOLD and res.acked and res.revision != item.revision:
            raise BadAnswer("result: revision does not match the item sent")
    acked = [i for i, r in zip(group, results, strict=True) if r.acked]
    with store.transaction():
        store.outbox_ack([i.id for i in acked])
        if kind == KIND_HOUSEHOLD:
            for item in acked:
                _mark_synced(store, item)
    summary.acked += len(acked)
    summary.duplicates += sum(1 for r in results if r.status == "duplicate")
    for item, res in zip(group, results, strict=True):
        if not res.acked:
            if res.status == "conflict":
                summary.conflicts += 1
            rules = ",".join(sorted({str(f.get("rule_id", ""))[:12] for f in res.findings}))
            reason = f"{res.status} {res.code} {res.reason[:80]} {rules}".strip()
            _refuse(store, summary, skip, item, reason)


def _refuse(store: Store, summary: SyncSummary, skip: set[int], item: OutboxItem, why: str) -> None:
    store.outbox_fail(item.id, why)
    skip.add(item.id)
    summary.refused += 1
    summary.refused_reasons.append(why)


def _mark_synced(store: Store, item: OutboxItem) -> None:
    """A completed case whose current revision was acknowledged is now synced."""
    try:
        case = store.case(item.case_uuid)
    except NotFound:
        return
    state = CaseState(case.state)
    if state is CaseState.COMPLETED and case.revision == item.revision:
        store.set_state(item.case_uuid, move(state, CaseState.SYNCED), actor="sync")


def _pull_assignments(store: Store, api: SyncApi) -> int:
    answer = api.assignments(store.get_meta(META_ASSIGNMENTS_CURSOR) or "0")
    try:
        with store.transaction():
            for area in answer.areas:
                store.upsert_area(Area(area.area_id, area.name))
            for d in answer.dwellings:
                store.upsert_dwelling(
                    Dwelling(
                        d.dwelling_id,
                        d.area_id,
                        address=d.address,
                        kind=d.kind,
                        sort_key=d.dwelling_id,
                        note=d.note,
                        form_id=d.form_id,
                    )
                )
            if answer.areas and not store.get_meta(META_AREA):
                store.set_meta(META_AREA, answer.areas[0].area_id)
            transfer.receive(store, answer.cases, answer.withdrawn, answer.histories)  # moved
            store.set_meta(META_ASSIGNMENTS_CURSOR, answer.cursor)
    except CensusError as exc:
        if isinstance(exc, AuthError):
            raise
        raise BadAnswer("assignments: not storable") from None
    return len(answer.dwellings)


def _pull_returns(store: Store, api: SyncApi) -> int:
    answer = api.returns(store.get_meta(META_RETURNS_CURSOR) or "0")
    returned = 0
    with store.transaction():
        for r in answer.returns:
            event = EVENT_RETURNED if r.action == "returned" else EVENT_APPROVED
            if not transfer.log_review(store, r, event):  # came with a moved case already
                continue
            try:
                case = store.case(r.case_uuid)
            except NotFound:
                continue  # not on this device (restored elsewhere): the event keeps the word
            state = CaseState(case.state)
            # The lifecycle says which cases a return or an approval reaches (visit/states.py).
            if r.action == "returned" and can_move(state, CaseState.RETURNED):
                store.set_state(r.case_uuid, move(state, CaseState.RETURNED), actor="supervisor")
                returned += 1
            elif r.action == "approved" and can_move(state, CaseState.APPROVED):
                store.set_state(r.case_uuid, move(state, CaseState.APPROVED), actor="supervisor")
        store.set_meta(META_RETURNS_CURSOR, answer.cursor)
    return returned
