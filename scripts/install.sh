#!/usr/bin/env bash
# Installs what Tollgate needs into ./.venv (and builds the web UI when Node is present).
# Idempotent and quick when nothing changed. Usage: scripts/install.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=.venv/.installed-$(cat requirements.txt "$requirements" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -r "$requirements"
    rm -f .venv/.installed-* && touch "$stamp"
fi

if command -v npm >/dev/null 2>&1; then
    ui_stamp=frontend/node_modules/.installed-$(sha256sum frontend/package-lock.json | cut -c1-16)
    if [ ! -f "$ui_stamp" ]; then
        (cd frontend && npm ci --no-audit --no-fund --loglevel=error) && touch "$ui_stamp"
    fi
    if [ ! -f frontend/dist/index.html ] || [ -n "$(find frontend/src frontend/index.html frontend/package.json frontend/vite.config.ts -newer frontend/dist/index.html 2>/dev/null | head -1)" ]; then
        (cd frontend && npm run --silent build >/dev/null)
    fi
else
    echo "install: npm not found; the API works but the web UI is not built." >&2
fi
