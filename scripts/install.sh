#!/usr/bin/env bash
# Installs what Tollgate needs into ./.venv (and builds the web UI when Node is present).
# --dev adds the test tools and Debian's chromium (for tests/ui). Idempotent and quick when nothing
# changed. Usage: scripts/install.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=requirements.txt
dev=0
[ "${1:-}" = "--dev" ] && requirements=requirements-dev.txt && dev=1

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

# The browser tests (tests/ui) drive Debian's Chromium through Playwright.
if [ "$dev" = 1 ] && [ ! -x /usr/bin/chromium ]; then
    apt_log=$(mktemp)
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq --no-install-recommends chromium >"$apt_log" 2>&1 \
            || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$apt_log" 2>&1 \
            || true
    fi
    if [ ! -x /usr/bin/chromium ]; then
        cat "$apt_log" >&2
        echo "install: /usr/bin/chromium is missing and could not be installed with apt-get (needs root);" \
             "the browser tests in tests/ui need it: apt-get install chromium" >&2
        rm -f "$apt_log"
        [ "${CI:-}" = true ] && exit 1
    fi
    rm -f "$apt_log"
fi
