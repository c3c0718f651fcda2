"""The encrypted local store: one SQLCipher database per enumerator profile.

Everything above the store uses this API; no SQL outside ``census_tui/store/``.

Opening::

    create_profile(name, password, *, base=None, clock, kdf=None, recovery_public_key=None)
    unlock(name, password, *, base=None, clock) -> Store
    recover(name, private_key_bytes, new_password, *, base=None, clock, kdf=None) -> Store
    profile_exists(name, *, base=None) -> bool

``base`` is the data directory (``census_tui.paths.home()`` when None). Errors:
NoProfile, LockedOut / WrongPassword (AuthError), StoreError (damaged, tampered, missing,
not a database, newer schema), DiskError (read-only, full), ConflictError (profile exists).

:class:`Store` (every method commits before returning; ``with store.transaction():`` groups
several into one, nested blocks are savepoints):

* life cycle: ``close()``, context manager, ``change_password(old, new)``,
  ``set_recovery_key(public)``, ``integrity_check() -> (cipher_ok, sqlite_ok)``,
  ``schema_version()``, ``backup_to(path)``;
* meta: ``get_meta(key)``, ``set_meta(key, value|None)``, ``meta()`` (keys ``META_*``);
* areas/dwellings: ``upsert_area(Area)``, ``areas()``, ``upsert_dwelling(Dwelling)``,
  ``dwelling(id)``, ``dwellings(area_id=None)``, ``dwelling_form(id) -> form_id``,
  ``set_dwelling_form(id, form_id)``;
* households: ``create_household(dwelling_id, *, hh_number=None, training=False,
  form_id=None (the dwelling's), state="listed", actor="") -> uuid``,
  ``household(uuid) -> Household``, ``case(uuid)``, ``cases(dwelling_id=None) ->
  list[CaseSummary]``, ``set_state(uuid, state)``, ``bump_revision(uuid) -> int``,
  ``set_confirmed(uuid, name)``, ``set_form(uuid, form_id, *, keep, deaths=True)`` (drops the
  answers whose items are not in ``keep``, atomically);
* persons: ``add_person(hh) -> uuid``, ``remove_person(hh, p)``, ``move_person(hh, p, i)``,
  ``persons(hh)``; death records: ``add_death(hh) -> uuid``, ``remove_death(hh, d)``,
  ``deaths(hh)`` (``household(uuid).deaths``);
* answers: ``set_answer(hh, person_uuid_or_"", item_id, value_or_None, *, actor="") -> bool``;
* fieldwork: ``add_attempt``/``attempts``, ``add_appointment``/``set_appointment_status``/
  ``appointments``, ``add_note``/``notes``, ``add_confirmation``/``remove_confirmation``/
  ``confirmations``;
* journal: ``log_event``/``events``, ``enqueue``, ``outbox_pending``, ``outbox_ack``,
  ``outbox_fail``, ``outbox_depth``, ``outbox_oldest``, ``add_sync_log``/``sync_log``.
"""

from census_tui.store.envelope import (
    DEFAULT_KDF,
    Envelope,
    KdfParams,
    generate_recovery_keypair,
    unwrap_with_recovery,
    wrap_for_recovery,
)
from census_tui.store.errors import LockedOut, NotFound, WrongPassword
from census_tui.store.lockout import Lockout
from census_tui.store.profile import create_profile, profile_exists, recover, unlock
from census_tui.store.records import (
    META_ACCOUNT,
    META_AREA,
    META_ENUMERATOR_CARD,
    META_ROLE,
    META_SERVER_URL,
    META_TOKEN,
    META_TRAINING,
    Appointment,
    Area,
    CaseSummary,
    Dwelling,
    Event,
    OutboxItem,
    SyncLogEntry,
    VisitAttempt,
)
from census_tui.store.store import DB_FILE, ENVELOPE_FILE, LOCKOUT_FILE, Store

META_CARD_KEY = "card_key"
"""Profile meta: the enumerator's card key from the login answer (base64), from which the
identity code is derived (``census_tui/sync/card_code.py``); absent before such a login."""

__all__ = [
    "DB_FILE",
    "DEFAULT_KDF",
    "ENVELOPE_FILE",
    "LOCKOUT_FILE",
    "META_ACCOUNT",
    "META_AREA",
    "META_CARD_KEY",
    "META_ENUMERATOR_CARD",
    "META_ROLE",
    "META_SERVER_URL",
    "META_TOKEN",
    "META_TRAINING",
    "Appointment",
    "Area",
    "CaseSummary",
    "Dwelling",
    "Envelope",
    "Event",
    "KdfParams",
    "LockedOut",
    "Lockout",
    "NotFound",
    "OutboxItem",
    "Store",
    "SyncLogEntry",
    "VisitAttempt",
    "WrongPassword",
    "create_profile",
    "generate_recovery_keypair",
    "profile_exists",
    "recover",
    "unlock",
    "unwrap_with_recovery",
    "wrap_for_recovery",
]
