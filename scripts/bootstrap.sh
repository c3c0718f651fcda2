#!/usr/bin/env bash
# Creates .venv and installs the project (with its dev extra) when missing or when pyproject.toml
# changed since the last install. Sourced by ./run.sh and ./test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
py="${PYTHON:-python3}"
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "census-tui needs Python 3.11 or newer (found: $("$py" --version 2>&1))." >&2
  echo "需要 Python 3.11 或更高版本。" >&2
  exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "Creating $venv ..." >&2
  if ! "$py" -m venv "$venv"; then
    echo "Could not create a virtual environment. On Debian/Ubuntu: sudo apt install python3-venv" >&2
    echo "无法创建虚拟环境。Debian/Ubuntu 上请先安装 python3-venv。" >&2
    exit 2
  fi
fi
stamp="$venv/.census-installed"
want="$(sha256sum "$root/pyproject.toml" | cut -c1-64)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing census-tui and its dependencies into .venv ..." >&2
  "$venv/bin/python" -m pip install -q --upgrade pip >&2
  "$venv/bin/python" -m pip install -q -e "$root[dev]" >&2
  echo "$want" > "$stamp"
fi
