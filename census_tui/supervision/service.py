"""The supervisor's session (普查指导员): :class:`SupervisorSession` implements
:class:`~census_tui.supervision.api.Supervision` over an unlocked profile.

Reads come from the profile's cache (the server's last answers of the supervisor routes, in the
encrypted store: ``sup_snapshot`` and ``sup_case``), so the screens work offline and show the
age of what they show. :meth:`SupervisorSession.refresh` talks to the server (the screens call
it from a thread worker): first it sends the decisions and re-visits queued on this device, in
the order they were made, each with the UUID it was queued with (so one the server already has
is answered ``duplicate`` and counted as sent, never stored twice); one the server refuses (the
revision moved, an item it does not know) is kept as refused with the server's reason and never
sent again. Then it fetches scope, progress, queue and samples, and the details of every queue
case whose cached revision differs (in queue order, within a time budget: what is left is
fetched by the next refresh), and forgets cases whose area left the scope and cases no longer
waiting for review (unless a decision on them is still queued).

:meth:`approve`, :meth:`return_case` and :meth:`revisit` queue first, then try to send at once:
on a network failure the op stays queued for the next refresh (``sent`` False, a clear message);
a refusal raises the server's reason (:class:`~census_tui.sync.supervisor.Moved` when the
enumerator uploaded a newer revision) and nothing is applied.

The log gets counts and case UUIDs only, never an answer, a name or a comment.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from census_tui.clock import Clock
from census_tui.errors import AuthError, BadInput, CensusError, ConflictError, NetworkError
from census_tui.i18n import Msg
from census_tui.store import META_ACCOUNT, META_SERVER_URL, META_TOKEN, META_TRAINING, Store
from census_tui.store.errors import NotFound
from census_tui.supervision import views
from census_tui.supervision.api import (
    PHASE_SAVED,
    AreaDwellings,
    AssignResult,
    CaseView,
    Decision,
    ItemRef,
    KeyPerson,
    Progress,
    Queue,
    RefreshOutcome,
    RefreshProgress,
    RevisitResult,
    Sample,
)
from census_tui.supervision.words import DECISIONS as DECISIONS
from census_tui.supervision.words import KIND_APPROVE as KIND_APPROVE
from census_tui.supervision.words import KIND_RETURN as KIND_RETURN
from census_tui.supervision.words import KIND_REVISIT as KIND_REVISIT
from census_tui.supervision.words import ROLE as ROLE

if TYPE_CHECKING:
    from census_tui.sync.supervisor import SupervisorApi
    from census_tui.sync.transport import RetryPolicy

# The HTTP client (census_tui.sync.supervisor: httpx) is imported where the server is called,
# not with this module: the gate opens this session at login, and the supervisor's first screen
# shows the device's copy before anything talks to the server (bench/bench_supervisor.py).

_log = logging.getLogger(__name__)
"""Counts and case UUIDs only."""

SNAPSHOTS = ("scope", "progress", "queue", "samples")
CASE_BUDGET_S = 20.0
"""Seconds a refresh spends fetching case details; the rest waits for the next refresh."""

SENT_APPROVE = Msg("已通过，已发送到服务器。", "Approved; sent to the server.")
SENT_RETURN = Msg(
    "已退回，已发送到服务器：普查员同步后将看到。",
    "Returned; sent to the server: the enumerator sees it at their next sync.",
)
SENT_AGAIN = Msg("服务器此前已收到这个决定。", "The server had this decision already.")
QUEUED = Msg(
    "无法连接服务器：已保存在本机，下次同步时发送。",
    "The server cannot be reached: saved on this device, it will be sent at the next sync.",
)
QUEUED_LOGIN = Msg(
    "登录已过期：已保存在本机，重新输入密码同步后发送。",
    "The login has expired: saved on this device, it will be sent once you sync with your"
    " password again.",
)
QUEUED_REFRESH = Msg(
    "已保存在本机，随正在进行的刷新发送。",
    "Saved on this device: it goes to the server with the refresh running now.",
)
ALREADY_QUEUED = Msg(
    "本机已有对该户的决定等待发送：请先同步。",
    "A decision on this household is already waiting on this device to be sent: sync first.",
)
NEED_COMMENT = Msg("退回须写明原因。", "A return needs a comment.")
NOT_HELD = Msg(
    "本机没有这个户的内容：请联网后刷新。",
    "This household is not on this device: refresh when online.",
)
NOT_LOGGED_IN = Msg(
    "该档案尚未登录服务器：请先联网登录。",
    "This profile has not logged in to a server: log in online first.",
)
DRAW_OFFLINE = Msg(
    "抽样须连接服务器（在服务器上从已完成的户中抽取）：{why}",
    "Drawing a sample needs the server (it draws from the completed households): {why}",
)
REVISIT_SENT = Msg(
    "复查已发送：{n} 处不同。", "Re-visit sent: {n} difference(s) with the enumerator's record."
)
REVISIT_SAME = Msg(
    "复查已发送：与普查员的记录一致。", "Re-visit sent: it agrees with the enumerator's record."
)
REVISIT_QUEUED = Msg(
    "无法连接服务器：复查已保存在本机，下次同步时发送并比对。",
    "The server cannot be reached: the re-visit is saved on this device; it is sent and"
    " compared at the next sync.",
)
ONLINE_ONLY = Msg(
    "分配住户须连接服务器:{why}",
    "Moving dwellings needs the server: {why}",
)
MOVED = Msg(
    "已移交 {n} 户给 {to}:普查员同步后生效。",
    "{n} dwelling(s) moved to {to}: effective at the enumerators' next sync.",
)
MOVED_NONE = Msg(
    "这些住户已归 {to},没有变化。", "These dwellings are {to}'s already: nothing changed."
)
REFUSED = Msg(
    "服务器拒绝了户 {case} 的{what}：{why}", "The server refused the {what} of {case}: {why}"
)
WHAT: dict[str, Msg] = {
    KIND_APPROVE: Msg("通过", "approval"),
    KIND_RETURN: Msg("退回", "return"),
    KIND_REVISIT: Msg("复查", "re-visit"),
}


def default_policy() -> RetryPolicy:
    """A few quick attempts: every write carries its UUID, so a retry is stored once; a device
    without a network learns it in seconds, not minutes."""
    from census_tui.sync.transport import RetryPolicy

    return RetryPolicy(
        attempts=2, backoff_base=0.5, deadline=60.0, connect_timeout=5.0, read_timeout=30.0
    )


def _msg_json(msg: Msg) -> dict[str, str]:
    return {"zh": msg.zh, "en": msg.en}


def _msg_of(doc: Any) -> Msg:
    if isinstance(doc, dict) and isinstance(doc.get("zh"), str) and isinstance(doc.get("en"), str):
        return Msg(doc["zh"], doc["en"])
    return Msg("", "")


class SupervisorSession:
    """An unlocked supervisor's profile (:class:`~census_tui.supervision.api.Supervision`)."""

    role = ROLE

    def __init__(
        self,
        store: Store,
        *,
        clock: Clock,
        profile: str,
        base: Path | None = None,
        policy: RetryPolicy | None = None,
        case_budget: float = CASE_BUDGET_S,
    ) -> None:
        self.store = store
        self.clock = clock
        self.profile = profile
        self.base = base
        self._policy = policy
        self.case_budget = case_budget
        self.training = store.get_meta(META_TRAINING) == "1"
        self.account = store.get_meta(META_ACCOUNT) or profile
        self.locked = False
        self._net = threading.RLock()
        self._refreshing = False
        """A refresh holds ``_net``: a decision made meanwhile is queued for it to send."""
        """One conversation with the server at a time (a refresh, a decision, a draw)."""

    # --- the server ---------------------------------------------------------------------------

    @property
    def policy(self) -> RetryPolicy:
        """How the server is called (made when first needed: see the imports above)."""
        if self._policy is None:
            self._policy = default_policy()
        return self._policy

    @policy.setter
    def policy(self, policy: RetryPolicy) -> None:
        self._policy = policy

    @contextmanager
    def _api(self) -> Iterator[SupervisorApi]:
        from census_tui.sync.pins import pinned_ca
        from census_tui.sync.supervisor import SupervisorApi

        url = self.store.get_meta(META_SERVER_URL)
        if not url:
            raise AuthError(NOT_LOGGED_IN)
        with (
            self._net,
            SupervisorApi(
                url,
                clock=self.clock,
                token=self.store.get_meta(META_TOKEN),
                ca_pem=pinned_ca(self.store),
                policy=self.policy,
            ) as api,
        ):
            yield api

    def _send(
        self, api: SupervisorApi, kind: str, body: dict[str, Any], op_uuid: str
    ) -> dict[str, Any]:
        """One queued op to the server (same UUID every time)."""
        case = str(body.get("case_uuid", ""))
        if kind == KIND_APPROVE:
            return api.approve(
                case,
                int(body["revision"]),
                decision_uuid=op_uuid,
                comment=str(body.get("comment", "")),
            )
        if kind == KIND_RETURN:
            items = [(str(i[0]), str(i[1])) for i in body.get("items", [])]
            return api.return_case(
                case,
                int(body["revision"]),
                decision_uuid=op_uuid,
                comment=str(body["comment"]),
                items=items,
            )
        return api.revisit(
            revisit_uuid=op_uuid,
            case_uuid=case,
            person_count=int(body["person_count"]),
            persons=list(body["persons"]),
            note=str(body.get("note", "")),
        )

    def _refusal(self, op_uuid: str, kind: str, case: str, err: CensusError) -> Msg:
        """Keep a refused op with the server's reason (never sent again)."""
        self.store.sup_mark(op_uuid, "refused", _msg_json(err.msg))
        _log.info("supervisor %s of case %s refused", kind, case)
        return Msg(
            REFUSED.zh.format(case=case[:8], what=WHAT[kind].zh, why=err.msg.zh),
            REFUSED.en.format(case=case[:8], what=WHAT[kind].en, why=err.msg.en),
        )

    # --- reads from the cache ------------------------------------------------------------------

    def _pending_map(self) -> dict[str, str]:
        return {
            op.case_uuid: op.kind for op in self.store.sup_ops("queued") if op.kind in DECISIONS
        }

    def _accounts(self) -> dict[str, str]:
        scope = self.store.sup_snapshot("scope")
        return views.area_accounts(scope.body if scope else None)

    def progress(self) -> Progress:
        snap = self.store.sup_snapshot("progress")
        return views.progress(snap.body if snap else None, snap.fetched_at if snap else None)

    def queue(self) -> Queue:
        snap = self.store.sup_snapshot("queue")
        return views.queue(
            snap.body if snap else None, snap.fetched_at if snap else None, self._pending_map()
        )

    def case(self, case_uuid: str) -> CaseView:
        held = self.store.sup_case(case_uuid)
        pending = self._pending_map().get(case_uuid, "")
        if held is not None:
            return views.case(held.body, held.fetched_at, pending)
        try:
            with self._api() as api:
                body = api.case(case_uuid)
        except NetworkError:
            raise NotFound(NOT_HELD) from None
        self.store.sup_put_case(case_uuid, str(body["area_id"]), int(body["revision"]), body)
        held = self.store.sup_case(case_uuid)
        assert held is not None
        return views.case(held.body, held.fetched_at, pending)

    def pending(self) -> int:
        return self.store.sup_pending()

    def samples(self) -> list[Sample]:
        snap = self.store.sup_snapshot("samples")
        return views.samples(snap.body if snap else None, self._accounts())

    # --- decisions -------------------------------------------------------------------------

    def _decide(self, kind: str, case_uuid: str, body: dict[str, Any]) -> Decision:
        from census_tui.sync.supervisor import NotAllowed, check_case, new_id

        check_case(case_uuid)
        if case_uuid in self._pending_map():
            raise ConflictError(ALREADY_QUEUED)
        op_uuid = new_id()
        self.store.sup_enqueue(op_uuid, kind, case_uuid, {"case_uuid": case_uuid, **body})
        self.store.log_event(
            "supervisor_decision", actor=self.account, household=case_uuid, data={"kind": kind}
        )
        _log.info("supervisor %s of case %s queued", kind, case_uuid)
        waited = not self._net.acquire(blocking=False)
        if waited:
            if self._refreshing:  # the refresh sends it between two cases, or at its end
                _log.info("supervisor %s of case %s goes with the refresh", kind, case_uuid)
                return Decision(False, QUEUED_REFRESH)
            self._net.acquire()
        try:
            done = (
                next((o for o in self.store.sup_ops() if o.op_uuid == op_uuid), None)
                if waited
                else None
            )
            if done is not None and done.state != "queued":  # a refresh ending sent it meanwhile
                if done.state == "refused":
                    raise ConflictError(_msg_of(_loads(done.result)))
                return Decision(True, SENT_APPROVE if kind == KIND_APPROVE else SENT_RETURN)
            with self._api() as api:
                answer = self._send(api, kind, {"case_uuid": case_uuid, **body}, op_uuid)
        except NotAllowed as err:
            if err.code == "wrong_role":
                raise  # the account is no longer a supervisor's: the op stays queued
            if err.code != "not_in_scope":
                return Decision(False, QUEUED_LOGIN)
            self._refusal(op_uuid, kind, case_uuid, err)
            raise
        except (ConflictError, BadInput) as err:
            self._refusal(op_uuid, kind, case_uuid, err)
            raise
        except AuthError:
            return Decision(False, QUEUED_LOGIN)
        except NetworkError:
            _log.info("supervisor %s of case %s stays queued (network)", kind, case_uuid)
            return Decision(False, QUEUED)
        finally:
            self._net.release()
        self._sent(op_uuid, kind, answer)
        if answer.get("status") == "duplicate":
            return Decision(True, SENT_AGAIN)
        return Decision(True, SENT_APPROVE if kind == KIND_APPROVE else SENT_RETURN)

    def _sent(self, op_uuid: str, kind: str, answer: dict[str, Any]) -> None:
        """The server took the op: mark it, and show the decision in the cache at once."""
        with self.store.transaction():
            self.store.sup_mark(op_uuid, "sent", answer)
            case = str(answer.get("case_uuid", ""))
            if kind in DECISIONS and case:
                held = self.store.sup_case(case)
                if held is not None and isinstance(held.body, dict):
                    state = "approved" if kind == KIND_APPROVE else "returned"
                    body = {**held.body, "state": state}
                    self.store.sup_put_case(case, held.area_id, held.revision, body)
                snap = self.store.sup_snapshot("queue")
                if snap is not None and isinstance(snap.body, dict):
                    cases = [
                        c
                        for c in snap.body.get("cases", [])
                        if not (isinstance(c, dict) and c.get("case_uuid") == case)
                    ]
                    self._put_keeping_time("queue", {**snap.body, "cases": cases}, snap.fetched_at)

    def _put_keeping_time(self, kind: str, body: Any, fetched_at: datetime) -> None:
        """Rewrite a snapshot's body (a decision taken out of the queue) keeping its age."""
        self.store.sup_put_snapshot(kind, body, fetched_at=fetched_at)

    def approve(self, case_uuid: str, revision: int, comment: str = "") -> Decision:
        body: dict[str, Any] = {"revision": int(revision)}
        if comment.strip():
            body["comment"] = comment.strip()
        return self._decide(KIND_APPROVE, case_uuid, body)

    def return_case(
        self, case_uuid: str, revision: int, comment: str, items: Sequence[ItemRef]
    ) -> Decision:
        if not comment.strip():
            raise BadInput(NEED_COMMENT)
        pairs: list[list[str]] = []
        for i in items:
            pair = [i.person_uuid, i.item_id]
            if pair not in pairs:
                pairs.append(pair)
        body = {"revision": int(revision), "comment": comment.strip(), "items": pairs}
        return self._decide(KIND_RETURN, case_uuid, body)

    # --- spot checks and re-visits -----------------------------------------------------------

    def draw_sample(
        self,
        area_ids: Sequence[str],
        *,
        percent: float | None = None,
        count: int | None = None,
        seed: int | None = None,
    ) -> Sample:
        from census_tui.sync.supervisor import new_id

        sample_uuid = new_id()
        try:
            with self._api() as api:
                answer = api.sample(
                    sample_uuid=sample_uuid,
                    area_ids=list(area_ids),
                    percent=percent,
                    count=count,
                    seed=seed,
                )
        except (AuthError, BadInput, ConflictError):
            raise
        except NetworkError as err:
            raise NetworkError(
                Msg(DRAW_OFFLINE.zh.format(why=err.msg.zh), DRAW_OFFLINE.en.format(why=err.msg.en))
            ) from None
        answer = {k: v for k, v in answer.items() if k != "status"}
        snap = self.store.sup_snapshot("samples")
        held = snap.body if snap and isinstance(snap.body, dict) else {"samples": []}
        others = [
            s
            for s in held.get("samples", [])
            if not (isinstance(s, dict) and s.get("sample_uuid") == answer.get("sample_uuid"))
        ]
        self.store.sup_put_snapshot("samples", {**held, "samples": [answer, *others]})
        _log.info("sample drawn: %d case(s)", len(answer.get("cases") or []))
        return views.sample(answer, self._accounts())

    def revisit(
        self, case_uuid: str, persons: Sequence[KeyPerson], note: str = ""
    ) -> RevisitResult:
        from census_tui.sync.supervisor import NotAllowed, check_case, new_id

        check_case(case_uuid)
        body: dict[str, Any] = {
            "case_uuid": case_uuid,
            "person_count": len(persons),
            "persons": [_key_person(p) for p in persons],
        }
        if note.strip():
            body["note"] = note.strip()
        op_uuid = new_id()
        self.store.sup_enqueue(op_uuid, KIND_REVISIT, case_uuid, body)
        self.store.log_event(
            "supervisor_revisit",
            actor=self.account,
            household=case_uuid,
            data={"persons": len(persons)},
        )
        try:
            with self._api() as api:
                answer = self._send(api, KIND_REVISIT, body, op_uuid)
        except NotAllowed as err:
            if err.code != "not_in_scope":
                return RevisitResult(False, (), QUEUED_LOGIN)
            self._refusal(op_uuid, KIND_REVISIT, case_uuid, err)
            raise
        except (ConflictError, BadInput) as err:
            self._refusal(op_uuid, KIND_REVISIT, case_uuid, err)
            raise
        except AuthError:
            return RevisitResult(False, (), QUEUED_LOGIN)
        except NetworkError:
            return RevisitResult(False, (), REVISIT_QUEUED)
        self.store.sup_mark(op_uuid, "sent", answer)
        self._mark_revisited(case_uuid)
        found = views.differences(answer)
        message = REVISIT_SENT.format(n=len(found)) if found else REVISIT_SAME
        return RevisitResult(True, found, message)

    def revisit_result(self, case_uuid: str) -> RevisitResult | None:
        """The last re-visit of ``case_uuid`` made on this device: sent (with its differences,
        also for one queued offline and sent by a refresh), queued, or None."""
        for op in reversed(self.store.sup_ops()):
            if op.kind != KIND_REVISIT or op.case_uuid != case_uuid:
                continue
            if op.state == "queued":
                return RevisitResult(False, (), REVISIT_QUEUED)
            if op.state == "refused":
                return RevisitResult(False, (), _msg_of(_loads(op.result)))
            found = views.differences(_loads(op.result) or {})
            return RevisitResult(
                True, found, REVISIT_SENT.format(n=len(found)) if found else REVISIT_SAME
            )
        return None

    def _mark_revisited(self, case_uuid: str) -> None:
        snap = self.store.sup_snapshot("samples")
        if snap is None or not isinstance(snap.body, dict):
            return
        samples = []
        for s in snap.body.get("samples", []):
            if isinstance(s, dict):
                cases = [
                    {**c, "revisited": True}
                    if isinstance(c, dict) and c.get("case_uuid") == case_uuid
                    else c
                    for c in s.get("cases", [])
                ]
                s = {**s, "cases": cases}
            samples.append(s)
        self._put_keeping_time("samples", {**snap.body, "samples": samples}, snap.fetched_at)

    # --- allocation (online only) --------------------------------------------------------------

    def dwellings(self, area_id: str) -> AreaDwellings:
        try:
            with self._api() as api:
                body = api.dwellings(area_id)
        except NetworkError as err:
            raise NetworkError(
                Msg(ONLINE_ONLY.zh.format(why=err.msg.zh), ONLINE_ONLY.en.format(why=err.msg.en))
            ) from None
        return views.area_dwellings(body, self.clock.now())

    def assign(self, dwelling_ids: Sequence[str], to: str, confirm: bool = False) -> AssignResult:
        from census_tui.sync.supervisor import UnsyncedWork, new_id

        wanted = list(dict.fromkeys(dwelling_ids))
        try:
            with self._api() as api:
                answer = api.assign(
                    assign_uuid=new_id(), to=to, dwelling_ids=wanted, confirm=confirm
                )
        except UnsyncedWork as err:
            _log.info("allocation of %d dwelling(s) needs confirming", len(wanted))
            return AssignResult(False, err.msg, 0, views.unsynced(err.unsynced))
        except NetworkError as err:
            raise NetworkError(
                Msg(ONLINE_ONLY.zh.format(why=err.msg.zh), ONLINE_ONLY.en.format(why=err.msg.en))
            ) from None
        changed = sum(
            1 for d in answer.get("dwellings") or [] if isinstance(d, dict) and d.get("changed")
        )
        self.store.log_event(
            "supervisor_assign",
            actor=self.account,
            data={"dwellings": len(wanted), "changed": changed, "confirmed": confirm},
        )
        _log.info("allocation: %d dwelling(s), %d changed", len(wanted), changed)
        message = MOVED.format(n=changed, to=to) if changed else MOVED_NONE.format(to=to)
        return AssignResult(True, message, changed)

    # --- refresh ---------------------------------------------------------------------------

    def refresh(self, progress: Callable[[RefreshProgress], None] | None = None) -> RefreshOutcome:
        from census_tui.sync.supervisor import NotAllowed

        def tell(done: int, total: int, phase: str) -> None:
            if progress is not None:
                progress(RefreshProgress(done, total, phase))

        sent: list[str] = []
        refused: list[Msg] = []
        try:
            with self._api() as api:
                self._refreshing = True
                self._send_queued(api, sent, refused, tell)
                _log.info("supervisor refresh: %d sent, %d refused", len(sent), len(refused))
                tell(0, 4, "fetch")
                answers = {
                    "scope": api.scope(),
                    "progress": api.progress(),
                    "queue": api.queue(),
                    "samples": api.samples(),
                }
                with self.store.transaction():
                    for kind, body in answers.items():
                        self.store.sup_put_snapshot(kind, body)
                self._forget(answers["scope"], answers["queue"])
                tell(4, 4, PHASE_SAVED)

                def between_cases() -> None:  # decisions made meanwhile go now, not after
                    self._send_queued(api, sent, refused)

                self._fetch_cases(api, answers["queue"], tell, between_cases)
                self._refreshing = False  # a decision made from now waits for the network
                between_cases()  # and one made before this goes now
        except NotAllowed as err:
            return RefreshOutcome(len(sent), tuple(refused), self._held(), err.msg)
        except AuthError:
            raise
        except NetworkError as err:
            _log.info("supervisor refresh stopped: network (%d sent)", len(sent))
            return RefreshOutcome(len(sent), tuple(refused), self._held(), err.msg)
        finally:
            self._refreshing = False
        self.store.log_event("supervisor_refresh", actor=self.account, data={"sent": len(sent)})
        return RefreshOutcome(len(sent), tuple(refused), self._held())

    def _send_queued(
        self,
        api: SupervisorApi,
        sent: list[str],
        refused: list[Msg],
        tell: Callable[[int, int, str], None] | None = None,
    ) -> None:
        """Send the ops queued on this device (oldest first), adding each op sent to ``sent``
        and the reason of each refused one to ``refused``."""
        from census_tui.sync.supervisor import NotAllowed

        queued = self.store.sup_ops("queued")
        for n, op in enumerate(queued):
            if tell is not None:
                tell(n, len(queued), "send")
            body = op.body if isinstance(op.body, dict) else {}
            try:
                answer = self._send(api, op.kind, body, op.op_uuid)
            except NotAllowed as err:
                if err.code != "not_in_scope":
                    raise
                refused.append(self._refusal(op.op_uuid, op.kind, op.case_uuid, err))
                continue
            except (ConflictError, BadInput) as err:
                refused.append(self._refusal(op.op_uuid, op.kind, op.case_uuid, err))
                continue
            if op.kind == KIND_REVISIT:
                self.store.sup_mark(op.op_uuid, "sent", answer)
            else:
                self._sent(op.op_uuid, op.kind, answer)
            sent.append(op.op_uuid)

    def _held(self) -> int:
        return len(self.store.sup_case_index())

    def _forget(self, scope: Any, queue: Any) -> None:
        """Drop cached cases outside the scope, and those no longer waiting for review without
        a decision still queued on this device."""
        areas = views.scope_areas(scope)
        waiting = {
            c.get("case_uuid")
            for c in (queue.get("cases", []) if isinstance(queue, dict) else [])
            if isinstance(c, dict)
        }
        keep = {op.case_uuid for op in self.store.sup_ops("queued")}
        gone = [
            case
            for case, (area, _) in self.store.sup_case_index().items()
            if area not in areas or (case not in waiting and case not in keep)
        ]
        if gone:
            dropped = self.store.sup_drop_cases(gone)
            _log.info("supervisor cache: %d case(s) dropped", dropped)

    def _fetch_cases(
        self,
        api: SupervisorApi,
        queue: Any,
        tell: Callable[[int, int, str], None],
        between: Callable[[], None],
    ) -> None:
        """The details of the waiting cases not held (or held at an older revision), within
        :attr:`case_budget` seconds; ``between`` runs before each."""
        from census_tui.sync.supervisor import NotAllowed

        held = self.store.sup_case_index()
        wanted = [
            (str(c.get("case_uuid", "")), c.get("revision"))
            for c in (queue.get("cases", []) if isinstance(queue, dict) else [])
            if isinstance(c, dict)
        ]
        todo = [case for case, rev in wanted if case not in held or held[case][1] != rev]
        start = self.clock.monotonic()
        for n, case in enumerate(todo):
            if self.clock.monotonic() - start > self.case_budget:
                _log.info("supervisor refresh: %d case(s) left for the next refresh", len(todo) - n)
                break
            tell(n, len(todo), "cases")
            between()
            try:
                body = api.case(case)
            except NotAllowed as err:
                if err.code != "not_in_scope":
                    raise
                self.store.sup_drop_cases([case])
                continue
            except BadInput:  # no longer on the server
                self.store.sup_drop_cases([case])
                continue
            self.store.sup_put_case(case, str(body["area_id"]), int(body["revision"]), body)
        tell(len(todo), len(todo), "cases")

    # --- login, lock ------------------------------------------------------------------------

    def renew_login(self, password: str) -> None:
        from census_tui.sync.login import renew_token

        with self._net:
            renew_token(self.store, password, clock=self.clock, policy=self.policy)
        _log.info("supervisor login renewed")

    def lock(self) -> None:
        _log.info("session locked")
        self.locked = True
        self.store.log_event("lock", actor=self.account)

    def unlock_again(self, password: str) -> None:
        """The password again after an idle lock: checked through the store's lockout."""
        from census_tui.store import unlock

        unlock(self.profile, password, base=self.base, clock=self.clock).close()
        self.locked = False
        self.store.log_event("unlock", actor=self.account)

    def close(self) -> None:
        with self._net:
            self.store.close()


def _loads(text: str) -> Any:
    import json

    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _key_person(p: KeyPerson) -> dict[str, int | str]:
    """A re-visit's person as the protocol's key items: D1 name, D2 relationship, D3 ID
    number, D4 sex, D5 birth year-month (what was not asked is left out)."""
    out: dict[str, int | str] = {}
    if p.name.strip():
        out["D1"] = p.name.strip()
    if p.relation.strip().isdigit():
        out["D2"] = int(p.relation.strip())
    if p.id_number.strip():
        out["D3"] = p.id_number.strip().upper()
    if p.sex.strip().isdigit():
        out["D4"] = int(p.sex.strip())
    if p.birth.strip():
        out["D5"] = p.birth.strip()
    return out
