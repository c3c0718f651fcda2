"""The support bundle: one zip a support person can receive without seeing personal data.

Contents: ``manifest.json`` (what is inside, when, which version), ``diag.json`` (every check in
both languages), ``versions.json``, ``status.json`` (schema version and counts only: no dwelling
ids, no answers; on a supervisor's profile the role and the supervisor's counts, never a cached
case, a comment or the server's reasons), and ``logs/`` (the rotating log files, redacted).

Redaction works on values, chosen by field, never on words picked out by pattern:

* The JSON members are built from counts, states and check results. Their keys and state names
  stay readable; a value under a key in :data:`PERSONAL_KEYS` is replaced whole, and every
  string value is masked where it is (or holds) one of the profile's personal values whole, or
  has the shape of an ID or phone number (``logsetup.redact``).
* The logs are written without personal data, but a bundle leaves the device, so their text is
  masked again: ID and phone number shapes, and, when the profile is open, the values of the
  fields listed in :data:`PERSONAL_FIELDS` and their words (a name may be logged on its own)
  except the program's own vocabulary (:data:`VOCABULARY`: state, outcome and channel keys,
  the bundle's own keys), which would otherwise be masked wherever a note happened to use it.

Only this module decides what goes into the zip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from census_tui import __version__
from census_tui.clock import Clock, iso
from census_tui.diagnostics.checks import CheckResult
from census_tui.logsetup import redact
from census_tui.store import META_ENUMERATOR_CARD, Store
from census_tui.store.atomic import disk_error, fsync_dir
from census_tui.visit.outcomes import Channel, Outcome
from census_tui.visit.states import Board, CaseState

BUNDLE_FORMAT = "census-tui-support-bundle"
BUNDLE_VERSION = 1
MAX_LOG_BYTES = 4 * 1024 * 1024
"""At most this much of each log file (its end: the newest lines) goes into the bundle."""
MIN_SCRUB_LEN = 2
SCRUBBED = "[redacted]"


_WORDS = re.compile(r"[\s,;:，；：、。()（）]+")
MIN_ASCII_WORD = 4

PERSONAL_FIELDS: tuple[str, ...] = (
    "dwelling.address",
    "dwelling.building",
    "dwelling.unit",
    "dwelling.note",
    "household answers (text: names, ID numbers, phone numbers, places, free text)",
    "person answers (the same)",
    "household.notes[].text",
    "household.confirmations[].reason and .values",
    "case.confirmed_by (the respondent who confirmed the read-back)",
    "visit_attempt.note",
    "visit_attempt.doubt",
    "appointment.note",
    "roster entries: listed values and answers (names, ID numbers, phones, rooms …)",
    "event old/new of answer_set, person_removed, note, warning_confirmed (and its values)",
    "event data.comment of supervisor_returned / supervisor_approved",
    "meta enumerator_card (the enumerator's name and ID number)",
    "supervisor's cache (sup_case, sup_snapshot): address, answers, reason, values, text,"
    " respondent_name, comment, note, name (an enumerator's), item-keyed values",
    "supervisor's outbox (sup_outbox): a decision's comment, a re-visit's answers and note",
)
"""Every field of a profile that may hold a name, an ID number, a phone number, an address or
free text: :func:`profile_secrets` reads exactly these, and nothing else (state names, codes,
counts and ids are not personal and must stay readable)."""

PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        "name",
        "names",
        "id_number",
        "phone",
        "address",
        "building",
        "unit",
        "room",
        "note",
        "notes",
        "text",
        "reason",
        "doubt",
        "comment",
        "respondent",
        "confirmed_by",
        "answers",
        "listed",
        "old",
        "new",
        "card",
    }
)
"""JSON keys whose values are replaced whole in the bundle's JSON members, wherever they are."""

SUP_PERSONAL_KEYS: frozenset[str] = frozenset(
    {
        "address",
        "answers",
        "reason",
        "values",
        "text",
        "respondent_name",
        "comment",
        "note",
        "doubt",
        "name",
    }
)
"""Keys of the supervisor's cached answers and queued ops whose values (all of them, however
nested) may identify someone; so may any value under a questionnaire item id (``D1``, ``H6``)."""
_ITEM_KEY = re.compile(r"[A-Z]{1,3}[0-9]+[A-Za-z]*")
SUP_SNAPSHOTS = ("scope", "progress", "queue", "samples")

_EVENT_VALUE_KINDS = frozenset({"answer_set", "person_removed", "note", "warning_confirmed"})
_EVENT_COMMENT_KINDS = frozenset({"supervisor_returned", "supervisor_approved"})

VOCABULARY: frozenset[str] = frozenset(
    {str(v) for enum in (CaseState, Board, Outcome, Channel) for v in enum}
    | {
        "area",
        "areas",
        "dwelling",
        "dwellings",
        "household",
        "households",
        "cases",
        "state",
        "outbox",
        "sync",
        "login",
        "error",
        "refused",
        "training",
    }
)
"""Words the program itself writes (keys, states, outcomes): never masked as a word of a
personal value. A whole personal value is still masked wherever it appears."""


def _long_enough(piece: str) -> bool:
    """Short pieces would mask half the log without protecting anyone (ASCII: 4 letters)."""
    return len(piece) >= (MIN_ASCII_WORD if piece.isascii() else MIN_SCRUB_LEN)


def _pieces(value: str, *, words: bool) -> Iterator[str]:
    """The value and (with ``words``) its words: a note's phone number or a name may be
    logged on its own. The program's own vocabulary is never a piece by itself."""
    value = value.strip()
    if len(value) >= MIN_SCRUB_LEN and value.lower() not in VOCABULARY:
        yield value
    if not words:
        return
    for word in _WORDS.split(value):
        if word != value and _long_enough(word) and word.lower() not in VOCABULARY:
            yield word


def scrubber(secrets: Iterable[str], *, words: bool = True) -> re.Pattern[str] | None:
    """A pattern matching any of ``secrets`` (and, with ``words``, their words), longest
    first, or ``None`` when there is nothing to match.

    Values shorter than :data:`MIN_SCRUB_LEN` are ignored: a one-character answer would mask
    half the log without protecting anyone.
    """
    unique = {piece for s in secrets for piece in _pieces(s, words=words)}
    if not unique:
        return None
    ordered = sorted(unique, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered))


def clean_text(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with known personal values and ID/phone number shapes masked."""
    if pattern is not None:
        text = pattern.sub(SCRUBBED, text)
    return redact(text)


def redact_fields(value: Any, pattern: re.Pattern[str] | None = None) -> Any:
    """A JSON value with every value under a :data:`PERSONAL_KEYS` key replaced whole and every
    other string value cleaned (:func:`clean_text`); keys are never changed."""
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if str(key) in PERSONAL_KEYS and item not in (None, "", [], {}):
                out[str(key)] = SCRUBBED
            else:
                out[str(key)] = redact_fields(item, pattern)
        return out
    if isinstance(value, list | tuple):
        return [redact_fields(item, pattern) for item in value]
    if isinstance(value, str):
        return clean_text(value, pattern)
    return value


def _log_files(logs_dir: Path) -> list[Path]:
    if not logs_dir.is_dir():
        return []
    return sorted(p for p in logs_dir.iterdir() if p.is_file() and p.name.startswith("census-tui"))


def _read_tail(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size > MAX_LOG_BYTES:
            fh.seek(size - MAX_LOG_BYTES)
        raw = fh.read(MAX_LOG_BYTES)
    return raw.decode("utf-8", errors="replace")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_bundle(
    path: Path,
    *,
    results: list[CheckResult],
    versions: Mapping[str, str],
    status: Mapping[str, Any] | None,
    logs_dir: Path,
    clock: Clock,
    secrets: Iterable[str] = (),
) -> list[str]:
    """Write the bundle atomically to ``path``; return the names of its members.

    ``status`` should hold counts, states and the schema version only; it goes through
    :func:`redact_fields` like the other JSON members. ``secrets`` are the profile's personal
    values (:func:`profile_secrets`): masked whole in the JSON members, whole and by word in
    the logs. Raises :class:`~census_tui.errors.DiskError` when the target cannot be written.
    """
    secrets = list(secrets)
    whole = scrubber(secrets, words=False)
    documents: dict[str, Any] = {
        "diag.json": [r.to_json_both() for r in results],
        "versions.json": dict(versions),
        "status.json": dict(status) if status is not None else {"available": False},
    }
    cleaned = {name: _dumps(redact_fields(doc, whole)) for name, doc in documents.items()}
    in_logs = scrubber(secrets, words=True)
    for log_file in _log_files(logs_dir):
        try:
            text = _read_tail(log_file)
        except OSError:
            text = "(unreadable)\n"
        cleaned[f"logs/{log_file.name}"] = clean_text(text, in_logs)
    manifest = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created": iso(clock.now()),
        "census_tui": __version__,
        "members": sorted(cleaned),
        "personal_data": "none: counts, states, versions and redacted logs only",
    }
    cleaned["manifest.json"] = _dumps(manifest)
    path = path.expanduser()
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(cleaned):
                zf.writestr(name, cleaned[name].encode("utf-8"))
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise disk_error(exc) from None
    return sorted(cleaned)


def profile_secrets(store: Store) -> list[str]:
    """The values of :data:`PERSONAL_FIELDS` in this profile: what could identify someone.
    Used only to mask them. Codes and numbers are left out (not text, and too short to mask
    safely); so are states, outcomes and every other field."""
    out: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                add(item)
        elif isinstance(value, list | tuple):
            for item in value:
                add(item)

    for dwelling in store.dwellings():
        for text in (dwelling.address, dwelling.building, dwelling.unit, dwelling.note):
            add(text)
        if store.has_roster(dwelling.id):
            for entry in store.roster_entries(dwelling.id):
                add(entry.listed)
                add(entry.answers)
    for case in store.cases():
        add(case.confirmed_by)
        household = store.household(case.uuid)
        add(household.answers)
        for person in household.persons:
            add(person.answers)
        for note in household.notes:
            add(note.text)
        for c in household.confirmations:
            add(c.reason)
            add(c.values)  # the answers the confirmed warning was about
    for attempt in store.attempts():
        add(attempt.note)
        add(attempt.doubt)
    for appointment in store.appointments():
        add(appointment.note)
    for event in store.events(limit=None):
        # earlier values of corrected answers live only in the audit log; other events carry
        # states, kinds and ids, which are not personal and must stay readable
        if event.kind in _EVENT_VALUE_KINDS:
            add(event.old)
            add(event.new)
        if event.kind in _EVENT_COMMENT_KINDS and isinstance(event.data, Mapping):
            add(event.data.get("comment"))
        if event.kind == "warning_confirmed" and isinstance(event.data, Mapping):
            add(event.data.get("values"))
    _supervisor_secrets(store, add)
    card = store.get_meta(META_ENUMERATOR_CARD)
    if card:
        try:
            doc = json.loads(card)
        except ValueError:
            doc = {}
        add(doc)
    return out


def _supervisor_secrets(store: Store, add: Callable[[object], None]) -> None:
    """The personal values of a supervisor's cache and outbox (empty on an enumerator's)."""

    def walk(doc: object) -> None:
        if isinstance(doc, Mapping):
            for key, value in doc.items():
                if str(key) in SUP_PERSONAL_KEYS or _ITEM_KEY.fullmatch(str(key)):
                    add(value)
                else:
                    walk(value)
        elif isinstance(doc, list | tuple):
            for item in doc:
                walk(item)

    for case_uuid in store.sup_case_index():
        cached = store.sup_case(case_uuid)
        if cached is not None:
            walk(cached.body)
    for kind in SUP_SNAPSHOTS:
        snap = store.sup_snapshot(kind)
        if snap is not None:
            walk(snap.body)
    for op in store.sup_ops():
        walk(op.body)
