#!/usr/bin/env bash
# Installs everything (with test tools), starts the local databases and Redis if needed, and runs
# the whole test suite: the web UI's Vitest suite, then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
scripts/services.sh
if command -v npm >/dev/null 2>&1; then
    (cd frontend && npm test --silent)
elif [ "${CI:-}" = true ]; then
    echo "test: npm not found; the web UI's Vitest suite cannot run" >&2
    exit 1
fi
exec .venv/bin/python -m pytest "$@"
