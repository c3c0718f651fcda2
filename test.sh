#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy), then pytest. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
"$root/scripts/bootstrap.sh"
bin="$root/.venv/bin"
echo "== ruff" && "$bin/ruff" check . && "$bin/ruff" format --check .
echo "== mypy" && "$bin/mypy"
echo "== pytest" && exec "$bin/python" -m pytest -q "$@"
