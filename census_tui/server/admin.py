"""The office's administration of a server database: import, list, reset, disable.

Used by ``census-tui server import-areas|import-dwellings|import-accounts|list-areas|
list-dwellings|list-accounts|reset-password|disable-account`` (census_tui/commands/
server_admin.py). The CSV files are read and checked whole by :mod:`census_tui.server.admin_csv`
first; each import is then **one transaction** on either backend: all rows or none.

Areas and dwellings are upserted (an office re-imports a corrected listing; a changed row gets
a new cursor so that devices fetch it). Accounts are only created: an account that already
exists is refused (a re-import must never reset someone's password), and each new account gets
a random initial password that must be changed at the first login.

A disabled account keeps its data and cases; its password hash is replaced by a marker no
password matches (login costs the same work as for any account, so disabling is not visible
from outside) and all its sessions end. ``reset-password`` gives a disabled account a new
initial password and so enables it again. Both replace the account's card key (the nonce it is
derived from, server/verify.py): every identity code the old key made fails from then on, and
the device gets the new key at its next login.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from census_tui.errors import BadInput
from census_tui.i18n import Msg
from census_tui.server import accounts as acc
from census_tui.server.admin_csv import AccountRow, AreaRow, DwellingRow
from census_tui.server.storage import DISABLED_HASH as DISABLED
from census_tui.server.storage import Storage

_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")

EXISTING = Msg(
    "这些账号已存在,未导入任何账号: {names}",
    "these accounts already exist; no account was imported: {names}",
)
NO_ACCOUNT = Msg("没有这个账号", "no such account")


def initial_password() -> str:
    """A random initial password (12 characters, letters and digits, no look-alikes)."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
        if acc.password_acceptable(pw):
            return pw


def area_ids(storage: Storage) -> frozenset[str]:
    with storage.tx() as t:
        return frozenset(r[0] for r in t.execute("SELECT area_id FROM areas").fetchall())


def import_areas(storage: Storage, rows: Sequence[AreaRow]) -> int:
    with storage.tx() as t:
        for r in rows:
            seq = storage._next_seq(t)
            t.execute(
                "INSERT INTO areas (area_id, name, training, seq) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (area_id) DO UPDATE SET name = excluded.name,"
                " training = excluded.training, seq = excluded.seq",
                (r.area_id, r.name, int(r.training), seq),
            )
    return len(rows)


def import_dwellings(storage: Storage, rows: Sequence[DwellingRow]) -> int:
    storage.add_dwellings((r.dwelling_id, r.area_id, r.address, r.kind, r.note) for r in rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class Issued:
    """An account made or reset, with its one-time initial password."""

    account: str
    password: str


def import_accounts(storage: Storage, rows: Sequence[AccountRow]) -> list[Issued]:
    """Create every account in one transaction, or none (an existing one is refused)."""
    wanted = [r.account for r in rows]
    with storage.tx() as t:
        existing = sorted(
            r[0]
            for r in t.execute("SELECT account FROM accounts").fetchall()
            if r[0] in set(wanted)
        )
    if existing:
        raise BadInput(EXISTING.format(names=", ".join(existing[:20])))
    issued = [Issued(r.account, initial_password()) for r in rows]
    # scrypt frees the GIL: hash two at a time before the transaction, not inside it.
    with ThreadPoolExecutor(2) as pool:
        hashes = list(pool.map(acc.hash_password, (i.password for i in issued)))
    with storage.tx() as t:
        for r, pw in zip(rows, hashes, strict=True):
            t.execute(
                "INSERT INTO accounts (account, pw_hash, must_change, verified, role, name,"
                " id_number, work_id, issuing_office, valid_from, valid_until)"
                " VALUES (?, ?, 1, 0, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.account,
                    pw,
                    r.role,
                    r.name,
                    r.id_number,
                    r.work_id,
                    r.issuing_office,
                    r.valid_from,
                    r.valid_until,
                ),
            )
            for area in r.areas:
                t.execute(
                    "INSERT INTO assignments (account, area_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (r.account, area),
                )
    return issued


def list_areas(storage: Storage) -> list[dict[str, object]]:
    with storage.tx() as t:
        rows = t.execute(
            "SELECT a.area_id, a.name, a.training,"
            " (SELECT COUNT(*) FROM dwellings d WHERE d.area_id = a.area_id)"
            " FROM areas a ORDER BY a.area_id"
        ).fetchall()
    return [
        {"area_id": r[0], "name": r[1], "training": bool(r[2]), "dwellings": int(r[3])}
        for r in rows
    ]


def list_dwellings(storage: Storage, area_id: str | None = None) -> list[dict[str, object]]:
    sql = "SELECT dwelling_id, area_id, address, kind, note FROM dwellings"
    args: tuple[str, ...] = ()
    if area_id is not None:
        sql += " WHERE area_id = ?"
        args = (area_id,)
    with storage.tx() as t:
        rows = t.execute(sql + " ORDER BY dwelling_id", args).fetchall()
    keys = ("dwelling_id", "area_id", "address", "kind", "note")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def list_accounts(storage: Storage) -> list[dict[str, object]]:
    """Accounts with their role, work id, areas and state; no ID number, no password hash."""
    with storage.tx() as t:
        rows = t.execute(
            "SELECT account, role, name, work_id, must_change, verified, pw_hash, valid_until"
            " FROM accounts ORDER BY account"
        ).fetchall()
        areas: dict[str, list[str]] = {}
        for account, area in t.execute(
            "SELECT account, area_id FROM assignments ORDER BY area_id"
        ).fetchall():
            areas.setdefault(account, []).append(area)
    return [
        {
            "account": r[0],
            "role": r[1],
            "name": r[2],
            "work_id": r[3],
            "areas": areas.get(r[0], []),
            "first_login_done": not r[4] and bool(r[5]),
            "disabled": str(r[6]).startswith(DISABLED),
            "valid_until": r[7],
        }
        for r in rows
    ]


def _require(storage: Storage, account: str) -> None:
    with storage.tx() as t:
        if not t.execute("SELECT 1 FROM accounts WHERE account = ?", (account,)).fetchall():
            raise BadInput(NO_ACCOUNT)


def reset_password(storage: Storage, account: str) -> Issued:
    """A new initial password (to change at the next login); every session ends; a disabled
    account is enabled again."""
    _require(storage, account)
    issued = Issued(account, initial_password())
    pw = acc.hash_password(issued.password)
    with storage.tx() as t:
        t.execute(
            "UPDATE accounts SET pw_hash = ?, must_change = 1 WHERE account = ?", (pw, account)
        )
        storage.replace_card_key(t, account)
        t.execute("DELETE FROM sessions WHERE account = ?", (account,))
    return issued


def disable_account(storage: Storage, account: str) -> bool:
    """Disable the account (no login, every session ended); False if it already was."""
    _require(storage, account)
    with storage.tx() as t:
        (stored,) = t.execute(
            "SELECT pw_hash FROM accounts WHERE account = ?", (account,)
        ).fetchone()
        if str(stored).startswith(DISABLED):
            return False
        t.execute(
            "UPDATE accounts SET pw_hash = ? WHERE account = ?",
            (DISABLED + secrets.token_hex(8), account),
        )
        storage.replace_card_key(t, account)
        t.execute("DELETE FROM sessions WHERE account = ?", (account,))
    return True
