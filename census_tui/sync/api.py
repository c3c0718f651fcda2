"""The protocol's calls as typed methods (docs/protocol.md), over :class:`ApiClient`.

Every answer is read strictly by :mod:`census_tui.sync.schema` inside the retry loop, so an
answer that does not follow the protocol is retried like any other garbled answer.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from census_tui.clock import parse_iso
from census_tui.errors import AuthError, BadInput
from census_tui.sync import messages as m
from census_tui.sync import schema
from census_tui.sync.transport import Answer, ApiClient

V1 = "/api/v1"
CLOCK_OFFSET_HEADER = "X-Clock-Offset"
"""The device's measured clock offset (server minus device, whole seconds, signed), sent with
uploads (docs/protocol.md "Clock offset")."""
T = TypeVar("T")


def join_items(payloads: list[bytes]) -> bytes:
    """``{"items": [...]}`` from ready JSON payloads, without parsing them again."""
    return b'{"items":[' + b",".join(payloads) + b"]}"


def _time(doc: Any) -> datetime:
    body = schema.fields(doc, {"server_time": "str", "api_version": "int"}, where="time")
    try:
        return parse_iso(body["server_time"])
    except ValueError:
        raise schema.BadAnswer("time: server_time") from None


class SyncApi(ApiClient):
    """One server's API. :meth:`login` sets ``token`` for the calls that follow."""

    def _get(self, parse: Callable[[Any], T], method: str, path: str, **kw: Any) -> T:
        box: list[T] = []

        def check(answer: Answer) -> None:
            if answer.status == 200:
                box.append(parse(answer.body))

        self.call(method, path, check=check, **kw)
        return box[-1]

    def report_clock_offset(self, seconds: int) -> None:
        """Send ``seconds`` (server minus device) with every call from now on."""
        self._http.headers[CLOCK_OFFSET_HEADER] = f"{seconds:+d}"

    def info(self) -> schema.ServerInfo:
        return self._get(schema.server_info, "GET", f"{V1}/info")

    def server_time(self) -> datetime:
        return self._get(_time, "GET", f"{V1}/time")

    def login(self, account: str, password: str) -> schema.LoginAnswer:
        self.token = None
        body = {"account": account, "password": password}
        answer = self._get(schema.login_answer, "POST", f"{V1}/login", json_body=body)
        self.token = answer.token
        return answer

    def logout(self) -> None:
        """End this token's session on the server (``POST /logout``); a token the server no
        longer knows (401) is already ended."""
        try:
            self.call("POST", f"{V1}/logout")
        except AuthError:
            return

    def change_password(self, old: str, new: str) -> None:
        body = {"old_password": old, "new_password": new}
        a = self.call("POST", f"{V1}/password", json_body=body, accept=(200, 401, 422))
        if a.status == 422:
            raise BadInput(m.WEAK_PASSWORD)
        if a.status == 401:
            raise AuthError(m.BAD_CREDENTIALS)
        schema.fields(a.body, {"ok": "bool"}, where="password")

    def verify_real_name(self, name: str, id_number: str) -> None:
        body = {"name": name, "id_number": id_number}
        a = self.call("POST", f"{V1}/verify", json_body=body, accept=(200, 422))
        if a.status == 422:
            raise AuthError(m.VERIFY_FAILED)
        schema.fields(a.body, {"verified": "bool"}, where="verify")

    def assignments(self, since: str) -> schema.Assignments:
        return self._get(schema.assignments, "GET", f"{V1}/assignments", params={"since": since})

    def returns(self, since: str) -> schema.Returns:
        return self._get(schema.returns, "GET", f"{V1}/returns", params={"since": since})

    def push_households(self, payloads: list[bytes]) -> list[schema.ItemResult]:
        """Upload household JSON payloads in one batch; one checked result per payload."""
        return self._get(
            lambda doc: schema.batch_results(doc, len(payloads)),
            "POST",
            f"{V1}/households/batch",
            raw_json=join_items(payloads),
        )

    def push_events(self, body: bytes, count: int) -> list[schema.ItemResult] | None:
        """Upload one chunk of events (``{"items": [...]}``, ``count`` of them); None when
        the server has no ``/events`` route yet (404: a server older than the route)."""
        box: list[list[schema.ItemResult]] = []

        def check(answer: Answer) -> None:
            if answer.status == 200:
                box.append(schema.batch_results(answer.body, count))

        self.call("POST", f"{V1}/events", raw_json=body, accept=(200, 404), check=check)
        return box[-1] if box else None

    def push_outcomes(self, payloads: list[bytes]) -> list[schema.ItemResult]:
        return self._get(
            lambda doc: schema.batch_results(doc, len(payloads)),
            "POST",
            f"{V1}/outcomes",
            raw_json=join_items(payloads),
        )
