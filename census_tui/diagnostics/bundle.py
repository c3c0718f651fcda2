"""The support bundle: one zip a support person can receive without seeing personal data.

Contents: ``manifest.json`` (what is inside, when, which version), ``diag.json`` (every check in
both languages), ``versions.json``, ``status.json`` (schema version and counts only: no dwelling
ids, no answers), and ``logs/`` (the rotating log files, redacted).

Why redaction twice: the log is written without personal data, but a bundle leaves the device,
so its text is masked again (ID and phone number shapes, ``logsetup.redact``) and, when the
profile is open, every text value the profile holds (names, addresses, notes, reasons) is
replaced too. Only this module decides what goes into the zip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from census_tui import __version__
from census_tui.clock import Clock, iso
from census_tui.diagnostics.checks import CheckResult
from census_tui.logsetup import redact
from census_tui.store import META_ENUMERATOR_CARD, Store
from census_tui.store.atomic import disk_error, fsync_dir

BUNDLE_FORMAT = "census-tui-support-bundle"
BUNDLE_VERSION = 1
MAX_LOG_BYTES = 4 * 1024 * 1024
"""At most this much of each log file (its end: the newest lines) goes into the bundle."""
MIN_SCRUB_LEN = 2
SCRUBBED = "[redacted]"


_WORDS = re.compile(r"[\s,;:，；：、。()（）]+")
MIN_ASCII_WORD = 4


def _pieces(value: str) -> Iterator[str]:
    """The value and its words: a note's phone number or a name may be logged on its own.
    ASCII words shorter than 4 letters are left out so common words survive in the log."""
    value = value.strip()
    if len(value) >= MIN_SCRUB_LEN:
        yield value
    for word in _WORDS.split(value):
        if len(word) >= (MIN_ASCII_WORD if word.isascii() else MIN_SCRUB_LEN) and word != value:
            yield word


def scrubber(secrets: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern matching any of ``secrets`` or their words (longest first), or ``None``.

    Values shorter than :data:`MIN_SCRUB_LEN` are ignored: a one-character answer would mask
    half the log without protecting anyone.
    """
    unique = {piece for s in secrets for piece in _pieces(s)}
    if not unique:
        return None
    ordered = sorted(unique, key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in ordered))


def clean_text(text: str, pattern: re.Pattern[str] | None) -> str:
    """``text`` with known personal values and ID/phone number shapes masked."""
    if pattern is not None:
        text = pattern.sub(SCRUBBED, text)
    return redact(text)


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

    ``status`` must already be free of personal data (counts, states, the schema version);
    ``secrets`` are the profile's own text values, masked wherever they appear in the text that
    goes in. Raises :class:`~census_tui.errors.DiskError` when the target cannot be written.
    """
    pattern = scrubber(secrets)
    members: dict[str, str] = {
        "diag.json": _dumps([r.to_json_both() for r in results]),
        "versions.json": _dumps(dict(versions)),
        "status.json": _dumps(dict(status) if status is not None else {"available": False}),
    }
    for log_file in _log_files(logs_dir):
        try:
            members[f"logs/{log_file.name}"] = _read_tail(log_file)
        except OSError:
            members[f"logs/{log_file.name}"] = "(unreadable)\n"
    cleaned = {name: clean_text(text, pattern) for name, text in members.items()}
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
    """Every text value the profile holds that could identify someone: answers (names, ID
    numbers, phone numbers, text items), notes, confirmation reasons, dwelling addresses,
    visit notes, appointment notes, the enumerator's card. Used only to mask them."""
    out: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, str):
            out.append(value)

    for dwelling in store.dwellings():
        for text in (dwelling.address, dwelling.building, dwelling.unit):
            add(text)
    for case in store.cases():
        household = store.household(case.uuid)
        for value in household.answers.values():
            add(value)
        for person in household.persons:
            for value in person.answers.values():
                add(value)
        for note in household.notes:
            add(note.text)
        for c in household.confirmations:
            add(c.reason)
    for attempt in store.attempts():
        add(attempt.note)
        add(attempt.doubt)
    for appointment in store.appointments():
        add(appointment.note)
    for event in store.events(limit=None):
        # earlier values of corrected answers live only in the audit log
        # (only old/new: ``data`` holds kinds and ids that the logs legitimately carry)
        for value in (event.old, event.new):
            add(value)
    card = store.get_meta(META_ENUMERATOR_CARD)
    if card:
        try:
            doc = json.loads(card)
        except ValueError:
            doc = {}
        if isinstance(doc, dict):
            for value in doc.values():
                add(value)
    return out
