#!/usr/bin/env bash
# Installs everything (with test tools), starts the local databases and Redis if needed, and runs
# the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --dev
scripts/services.sh
exec .venv/bin/python -m pytest "$@"
