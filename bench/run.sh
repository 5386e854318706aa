#!/usr/bin/env bash
# Runs the bench from the repository root with the project's virtualenv: bench/run.sh [--quick] [...]
# Installs wrk first when it is missing and this is a root shell with apt-get (Debian/Ubuntu).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: wrk is missing; installing it with apt-get install -y wrk" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null \
            || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
    fi
    if ! command -v wrk >/dev/null 2>&1; then
        echo "bench: wrk is not installed. Install it with: sudo apt-get install -y wrk" >&2
        exit 2
    fi
fi
if [ ! -x .venv/bin/python ]; then
    echo "bench: no .venv here; create it first with scripts/install.sh" >&2
    exit 2
fi
exec .venv/bin/python -m bench "$@"
