#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy), the import contracts (lint-imports, see
# pyproject.toml), then pytest. Extra arguments go to pytest, e.g. `./test.sh -m unit` for the
# fast tier (tiers: README "Tests"). The server's tests also run on a throwaway PostgreSQL
# cluster (tests/pg.py) when Debian's PostgreSQL programs are installed; otherwise those are
# skipped with the reason, except in CI (CI set), where they fail (.ci/run installs them).
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
"$root/scripts/bootstrap.sh"
bin="$root/.venv/bin"
# One command a line: under `set -e` a failure inside an `a && b` list does not stop the script.
echo "== ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .
echo "== mypy"
"$bin/mypy"
echo "== lint-imports"
"$bin/lint-imports" --no-logo --no-cache
echo "== pytest"
# On every core (pytest-xdist), a test file per worker at a time: a file's module-scoped
# servers and profiles stay in one process. PostgreSQL clusters are per worker (tests/pg.py).
exec "$bin/python" -m pytest -q -n auto --dist loadfile "$@"
