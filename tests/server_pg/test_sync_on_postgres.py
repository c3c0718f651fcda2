"""The representative sync tests, run again with the server on PostgreSQL (they run on SQLite
in tests/sync): the happy path end to end, idempotent uploads and conflicts, concurrent
retries storing one copy, areas kept apart, a supervisor's return reaching the device."""

from __future__ import annotations

import pytest

from tests.sync import test_server, test_smoke_flow

pytestmark = pytest.mark.parametrize("site", ["postgres"], indirect=True)

test_sync_pushes_outbox_and_pulls_assignments = (
    test_smoke_flow.test_sync_pushes_outbox_and_pulls_assignments
)
test_upload_is_idempotent_and_older_revisions_conflict = (
    test_server.test_upload_is_idempotent_and_older_revisions_conflict
)
test_concurrent_retries_store_one_copy = test_server.test_concurrent_retries_store_one_copy
test_enumerator_cannot_read_or_write_another_area = (
    test_server.test_enumerator_cannot_read_or_write_another_area
)
test_supervisor_return_reaches_the_device = test_server.test_supervisor_return_reaches_the_device
