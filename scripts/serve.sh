#!/usr/bin/env bash
# Installs everything, migrates, and serves Tollgate on :3000 with the embedded default
# (SQLite in ./data, no Redis, background jobs in-process). Extra arguments go to the server,
# e.g. --port 8080 --log-dir ./logs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/python -m app.server serve "$@"
