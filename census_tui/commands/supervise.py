"""``census-tui supervise``: the supervisor's work (普查指导员) from the command line.

``progress``, ``queue``, ``show CASE``, ``approve CASE``, ``return CASE --item P:ITEM
--comment TEXT``, ``sample [AREA…] --percent N | --count N [--seed S]`` and ``samples``, each
with ``--json``, over the server's supervisor API (docs/protocol.md "Supervisor"), never over
the server's database file: scripts and census offices use the same routes as the
supervisor's screens.

The login is the supervisor's own, one of two ways:

* a profile (the default): ``census-tui login --server URL --user ACCOUNT`` made it, exactly as
  for an enumerator (first login, password change, real-name check, encrypted profile with the
  token and the pinned CA); ``supervise`` unlocks it with the password and uses its token,
  logging in again once when the server has let the token expire;
* ``--server URL --account ACCOUNT [--ca-file PEM]`` (an office without a profile): a login for
  this one command, ended (logout) when it is done.

The password is never an argument: ``CENSUS_TUI_PASSWORD``, a hidden prompt, or one line of
standard input. Tables are printed with rich; ``--json`` prints the server's answer as it came.
What a supervisor's work needs is shown on their terminal (a case's answers, addresses, the
enumerator's reasons); nothing of it goes to the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from census_tui.commands._support import emit_json, guarded, lang_of, password, pick_profile
from census_tui.errors import AuthError, BadInput
from census_tui.i18n import Lang, Msg

if TYPE_CHECKING:
    from census_tui.store import Store
    from census_tui.sync.supervisor import SupervisorApi
    from census_tui.sync.transport import RetryPolicy

T = TypeVar("T")

ProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", help="The supervisor's profile (default: the only one here)."),
]
ServerOpt = Annotated[
    str | None,
    typer.Option("--server", help="Log in to this server for this command only (needs --account)."),
]
AccountOpt = Annotated[
    str | None, typer.Option("--account", help="The supervisor's account (with --server).")
]
CaFileOpt = Annotated[
    Path | None,
    typer.Option("--ca-file", help="The census office's CA certificate (PEM), with --server."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="The server's answer as JSON.")]
CaseArg = Annotated[str, typer.Argument(help="The case UUID (from the queue).")]
RevisionOpt = Annotated[
    int | None,
    typer.Option(
        "--revision",
        min=0,
        help="The revision reviewed (default: the latest now); a newer one uploaded since"
        " refuses the decision (exit 7).",
    ),
]
DecisionOpt = Annotated[
    str | None,
    typer.Option(
        "--decision-id",
        help="A UUID for this decision (scripts: the same id sent again is stored once).",
    ),
]

PAIRED = Msg(
    "--server 与 --account 须一起给出（或都不给，使用本机档案）。",
    "--server and --account go together (or neither, to use this device's profile).",
)
FIRST_LOGIN = Msg(
    "该账号尚未完成首次登录（修改初始密码、实名认证）：请先运行 census-tui login。",
    "This account has not finished its first login (new password, real-name check): run"
    " census-tui login first.",
)
NOT_LOGGED_IN = Msg(
    "该档案尚未登录服务器：请先运行 census-tui login。",
    "This profile has not logged in to a server: run census-tui login first.",
)
BAD_ID = Msg("--decision-id 须为 UUID", "--decision-id must be a UUID")
ONE_SIZE = Msg(
    "请给出 --percent（大于 0）或 --count 之一。", "Give one of --percent (above 0) and --count."
)
ONE_RANGE = Msg(
    "请给出若干住户编号，或一个范围 首..尾（不可混用）。",
    "Give dwelling ids, or one range FIRST..LAST (not both).",
)


@dataclass(frozen=True, slots=True)
class Conn:
    """How to reach the supervisor API: a profile, or a server and an account."""

    profile: str | None
    server: str | None
    account: str | None
    ca_file: Path | None


def _conn(
    ctx: typer.Context,
    profile: str | None,
    server: str | None,
    account: str | None,
    ca_file: Path | None,
) -> Conn:
    """The connection options of the subcommand, else those given to ``supervise``."""
    parent = ctx.parent.params if ctx.parent is not None else {}

    def pick(name: str, own: Any) -> Any:
        return own if own is not None else parent.get(name)

    return Conn(
        pick("profile", profile),
        pick("server", server),
        pick("account", account),
        pick("ca_file", ca_file),
    )


def _policy() -> RetryPolicy:
    """A few attempts: every write carries its UUID, so a retry is stored once."""
    from census_tui.sync.transport import RetryPolicy

    return RetryPolicy(attempts=3, deadline=60.0, connect_timeout=10.0, read_timeout=30.0)


class Session:
    """An open supervisor API; with a profile, a refused (expired) token is renewed once by
    logging in again with the profile's password."""

    def __init__(
        self, api: SupervisorApi, store: Store | None = None, secret: str | None = None
    ) -> None:
        self.api = api
        self._store = store
        self._secret = secret

    def do(self, call: Callable[[SupervisorApi], T]) -> T:
        from census_tui.store import META_TOKEN
        from census_tui.sync.login import renew_token
        from census_tui.sync.supervisor import NotAllowed

        try:
            return call(self.api)
        except NotAllowed:
            raise
        except AuthError:
            if self._store is None or self._secret is None:
                raise
            renew_token(self._store, self._secret, clock=self.api.clock, policy=_policy())
            self.api.token = self._store.get_meta(META_TOKEN)
            return call(self.api)


@contextmanager
def _session(lang: Lang, conn: Conn) -> Iterator[Session]:
    from census_tui.clock import SystemClock
    from census_tui.sync.supervisor import SupervisorApi

    clock = SystemClock()
    if conn.server or conn.account:
        if not (conn.server and conn.account):
            raise BadInput(PAIRED)
        ca = str(conn.ca_file.resolve()) if conn.ca_file else None
        with SupervisorApi(conn.server, clock=clock, ca_file=ca, policy=_policy()) as api:
            secret = password(lang)
            answer = api.login(conn.account, secret)
            if answer.must_change_password or not answer.verified:
                api.logout()
                raise AuthError(FIRST_LOGIN)
            try:
                yield Session(api)
            finally:
                api.logout()
        return
    from census_tui.store import META_SERVER_URL, META_TOKEN, unlock
    from census_tui.sync.pins import pinned_ca

    name = pick_profile(conn.profile)
    secret = password(lang)
    with unlock(name, secret, clock=clock) as store:
        url, token = store.get_meta(META_SERVER_URL), store.get_meta(META_TOKEN)
        if not url:
            raise AuthError(NOT_LOGGED_IN)
        with SupervisorApi(
            url, clock=clock, token=token, ca_pem=pinned_ca(store), policy=_policy()
        ) as api:
            yield Session(api, store, secret)


def _run(
    ctx: typer.Context, conn: Conn, call: Callable[[Session], T], as_json: bool
) -> tuple[Lang, T]:
    """Open the session, run ``call``, print the answer as JSON when asked."""
    lang = lang_of(ctx)
    with guarded(lang), _session(lang, conn) as s:
        result = call(s)
    if as_json:
        emit_json(result)
    return lang, result


def _decision_id(given: str | None) -> str:
    from census_tui.sync.supervisor import _UUID, new_id

    if given is None:
        return new_id()
    if not _UUID.fullmatch(given):
        raise BadInput(BAD_ID)
    return given


def register(app: typer.Typer) -> None:
    from census_tui.commands import supervise_view as view

    group = typer.Typer(
        help="普查指导员 / The supervisor's progress, review queue, returns and spot checks.",
        no_args_is_help=False,
    )

    @group.callback(invoke_without_command=True)
    def supervise_cb(
        ctx: typer.Context,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """The connection options may come before the subcommand or after it."""
        if ctx.invoked_subcommand is None:
            typer.echo(ctx.get_help())

    @group.command("progress")
    def progress_cmd(
        ctx: typer.Context,
        stale_hours: Annotated[
            int | None,
            typer.Option(
                "--stale-hours",
                min=1,
                max=8760,
                help="Mark a device not synced for longer than this [default: 24].",
            ),
        ] = None,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """进度 / Progress per enumerator and per area: dwellings by state, households and
        persons, the long-form sample, the last sync (devices not synced for long marked)."""
        conn = _conn(ctx, profile, server, account, ca_file)
        lang, data = _run(ctx, conn, lambda s: s.do(lambda a: a.progress(stale_hours)), as_json)
        if not as_json:
            view.progress(data, lang)

    @group.command("queue")
    def queue_cmd(
        ctx: typer.Context,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """审核队列 / Uploaded households waiting for review, flagged ones first, with the
        enumerator's reasons."""
        conn = _conn(ctx, profile, server, account, ca_file)
        lang, data = _run(ctx, conn, lambda s: s.do(lambda a: a.queue()), as_json)
        if not as_json:
            view.queue(data, lang)

    @group.command("show")
    def show_cmd(
        ctx: typer.Context,
        case: CaseArg,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """查看 / One household: every answer in form order, findings, confirmations, notes,
        the read-back, revisions, decisions and visits."""
        conn = _conn(ctx, profile, server, account, ca_file)
        lang, data = _run(ctx, conn, lambda s: s.do(lambda a: a.case(case)), as_json)
        if not as_json:
            view.case(data, lang)

    @group.command("approve")
    def approve_cmd(
        ctx: typer.Context,
        case: CaseArg,
        comment: Annotated[str, typer.Option("--comment", help="A remark kept with it.")] = "",
        revision: RevisionOpt = None,
        decision_id: DecisionOpt = None,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """审核通过 / Approve a household (the revision reviewed; a newer one refuses it)."""
        conn = _conn(ctx, profile, server, account, ca_file)

        def call(s: Session) -> dict[str, Any]:
            did = _decision_id(decision_id)
            rev = revision if revision is not None else s.do(lambda a: a.case(case))["revision"]
            return s.do(lambda a: a.approve(case, rev, decision_uuid=did, comment=comment))

        lang, data = _run(ctx, conn, call, as_json)
        if not as_json:
            view.decision(data, lang, [])

    @group.command("return")
    def return_cmd(
        ctx: typer.Context,
        case: CaseArg,
        comment: Annotated[str, typer.Option("--comment", help="What to correct.")],
        item: Annotated[
            list[str] | None,
            typer.Option(
                "--item",
                help="A question to correct: H6 (household item) or 2:D5 (person 2's D5,"
                " numbered as on the read-back from 1). Repeatable; the first opens first.",
            ),
        ] = None,
        revision: RevisionOpt = None,
        decision_id: DecisionOpt = None,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """退回 / Return a household to its enumerator with a comment, pointing at questions
        with --item (the device opens the case at the first)."""
        from census_tui.sync.supervisor import case_persons, parse_item

        conn = _conn(ctx, profile, server, account, ca_file)
        specs = list(item or [])

        def call(s: Session) -> dict[str, Any]:
            did = _decision_id(decision_id)
            shown = s.do(lambda a: a.case(case))
            form_id = str(shown["household"].get("form_id", "short2020"))
            pairs = [parse_item(spec, case_persons(shown), form_id) for spec in specs]
            rev = revision if revision is not None else int(shown["revision"])
            return s.do(
                lambda a: a.return_case(case, rev, decision_uuid=did, comment=comment, items=pairs)
            )

        lang, data = _run(ctx, conn, call, as_json)
        if not as_json:
            view.decision(data, lang, specs)

    @group.command("sample")
    def sample_cmd(
        ctx: typer.Context,
        areas: Annotated[
            list[str] | None,
            typer.Argument(help="Areas to draw from (default: every area you supervise)."),
        ] = None,
        percent: Annotated[
            float | None,
            typer.Option("--percent", max=100.0, help="Per area: this share (above 0)."),
        ] = None,
        count: Annotated[
            int | None,
            typer.Option("--count", min=1, max=10_000, help="Per area: this many households."),
        ] = None,
        seed: Annotated[
            int | None,
            typer.Option(
                "--seed",
                min=0,
                max=2**63 - 1,
                help="Draw with this seed (the same seed, the same households); default: one"
                " the server draws and records.",
            ),
        ] = None,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """抽查 / Draw a reproducible random sample of completed households per area for a
        re-visit (the seed is recorded with it)."""
        from census_tui.sync.supervisor import new_id

        conn = _conn(ctx, profile, server, account, ca_file)
        if (percent is None) == (count is None) or (percent is not None and percent <= 0):
            with guarded(lang_of(ctx)):
                raise BadInput(ONE_SIZE)
        sample_id = new_id()

        def call(s: Session) -> dict[str, Any]:
            return s.do(
                lambda a: a.sample(
                    sample_uuid=sample_id,
                    area_ids=areas or [],
                    percent=percent,
                    count=count,
                    seed=seed,
                )
            )

        lang, data = _run(ctx, conn, call, as_json)
        if not as_json:
            view.sample(data, lang)

    @group.command("samples")
    def samples_cmd(
        ctx: typer.Context,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """抽查记录 / Your spot-check samples, newest first, with what was re-visited."""
        conn = _conn(ctx, profile, server, account, ca_file)
        lang, data = _run(ctx, conn, lambda s: s.do(lambda a: a.samples()), as_json)
        if not as_json:
            view.samples(data, lang)

    @group.command("assign")
    def assign_cmd(
        ctx: typer.Context,
        dwellings: Annotated[
            list[str],
            typer.Argument(
                help="Dwelling ids, or one range FIRST..LAST of an area (every dwelling between,"
                " both included)."
            ),
        ],
        to: Annotated[str, typer.Option("--to", help="The enumerator's account.")],
        confirm: Annotated[
            bool,
            typer.Option(
                "--confirm",
                help="Move even when the enumerator's device may hold work not uploaded (it can"
                " no longer be uploaded after the move).",
            ),
        ] = False,
        as_json: JsonOpt = False,
        profile: ProfileOpt = None,
        server: ServerOpt = None,
        account: AccountOpt = None,
        ca_file: CaFileOpt = None,
    ) -> None:
        """分配、移交 / Give dwellings and their households to one of your enumerators; their
        devices add or give them up at their next sync."""
        from census_tui.sync.supervisor import new_id

        conn = _conn(ctx, profile, server, account, ca_file)
        ranged = [d.split("..", 1) for d in dwellings if ".." in d]
        if ranged and len(dwellings) > 1:
            with guarded(lang_of(ctx)):
                raise BadInput(ONE_RANGE)
        assign_id = new_id()

        def call(s: Session) -> dict[str, Any]:
            if ranged:
                first, last = ranged[0]
                return s.do(
                    lambda a: a.assign(
                        assign_uuid=assign_id, to=to, first=first, last=last, confirm=confirm
                    )
                )
            return s.do(
                lambda a: a.assign(
                    assign_uuid=assign_id, to=to, dwelling_ids=dwellings, confirm=confirm
                )
            )

        lang, data = _run(ctx, conn, call, as_json)
        if not as_json:
            view.allocation(data, lang)

    app.add_typer(group, name="supervise")
