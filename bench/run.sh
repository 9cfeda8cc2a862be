#!/usr/bin/env bash
# Load and speed benchmark: see bench/README.md. Arguments go to bench/run.py.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  echo "no .venv: run 'make install' first" >&2
  exit 1
fi
command -v wrk >/dev/null || apt-get install -y wrk
exec .venv/bin/python bench/run.py "$@"
