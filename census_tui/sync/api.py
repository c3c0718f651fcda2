"""The protocol's calls as typed methods (docs/protocol.md), over :class:`ApiClient`."""

from __future__ import annotations

from datetime import datetime

from census_tui.clock import parse_iso
from census_tui.errors import AuthError, BadInput
from census_tui.sync import messages as m
from census_tui.sync import schema
from census_tui.sync.transport import ApiClient

V1 = "/api/v1"


def join_items(payloads: list[bytes]) -> bytes:
    """``{"items": [...]}`` from ready JSON payloads, without parsing them again."""
    return b'{"items":[' + b",".join(payloads) + b"]}"


class SyncApi(ApiClient):
    """One server's API. Tokens: set ``token`` after :meth:`login`."""

    def info(self) -> schema.ServerInfo:
        return schema.server_info(self.call("GET", f"{V1}/info").body)

    def server_time(self) -> datetime:
        body = schema.fields(
            self.call("GET", f"{V1}/time").body,
            {"server_time": "str", "api_version": "int"},
            where="time",
        )
        try:
            return parse_iso(body["server_time"])
        except ValueError:
            raise schema.BadAnswer("time: server_time") from None

    def login(self, account: str, password: str) -> schema.LoginAnswer:
        self.token = None
        answer = schema.login_answer(
            self.call(
                "POST", f"{V1}/login", json_body={"account": account, "password": password}
            ).body
        )
        self.token = answer.token
        return answer

    def change_password(self, old: str, new: str) -> None:
        a = self.call(
            "POST",
            f"{V1}/password",
            json_body={"old_password": old, "new_password": new},
            accept=(200, 401, 422),
        )
        if a.status == 422:
            raise BadInput(m.WEAK_PASSWORD)
        if a.status == 401:
            raise AuthError(m.BAD_CREDENTIALS)
        schema.fields(a.body, {"ok": "bool"}, where="password")

    def verify_real_name(self, name: str, id_number: str) -> None:
        a = self.call(
            "POST",
            f"{V1}/verify",
            json_body={"name": name, "id_number": id_number},
            accept=(200, 422),
        )
        if a.status == 422:
            raise AuthError(m.VERIFY_FAILED)
        schema.fields(a.body, {"verified": "bool"}, where="verify")

    def assignments(self, since: str) -> schema.Assignments:
        return schema.assignments(
            self.call("GET", f"{V1}/assignments", params={"since": since}).body
        )

    def returns(self, since: str) -> schema.Returns:
        return schema.returns(self.call("GET", f"{V1}/returns", params={"since": since}).body)

    def push_households(self, payloads: list[bytes]) -> list[schema.ItemResult]:
        """Upload household JSON payloads in one batch; one checked result per payload."""
        a = self.call("POST", f"{V1}/households/batch", raw_json=join_items(payloads))
        return schema.batch_results(a.body, len(payloads))

    def push_outcomes(self, payloads: list[bytes]) -> list[schema.ItemResult]:
        a = self.call("POST", f"{V1}/outcomes", raw_json=join_items(payloads))
        return schema.batch_results(a.body, len(payloads))
