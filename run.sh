#!/usr/bin/env bash
# The main job: a training demo (local reference server + practice profile + the TUI).
# Extra arguments go to `census-tui demo` (try ./run.sh --help).
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/scripts/bootstrap.sh"
exec "$root/.venv/bin/census-tui" demo "$@"
