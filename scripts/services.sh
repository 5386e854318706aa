#!/usr/bin/env bash
# Starts the local PostgreSQL, MariaDB and Redis the tests use, if installed and not answering.
# With CI=true a service that cannot be reached is an error, never a silent skip.
set -uo pipefail

answers() { timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

start() {
    local name=$1 port=$2 command=$3
    answers "$port" && return 0
    echo "services: starting $name" >&2
    bash -c "$command" >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do answers "$port" && return 0; sleep 1; done
    return 1
}

missing=()
start postgresql 5432 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' || missing+=(postgresql)
start mariadb 3306 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd' || missing+=(mariadb)
start redis 6379 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly yes --dir /var/lib/redis --logfile /var/log/redis/ci.log' || missing+=(redis)
# Batched quota writes keep bills in Redis until they are flushed, so Tollgate refuses to start them on a
# Redis that forgets on restart; a Redis that was already running (without AOF) is switched over here.
if answers 6379 && command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -p 6379 config get appendonly 2>/dev/null | tail -1)" = yes ] \
        || redis-cli -p 6379 config set appendonly yes >/dev/null 2>&1 || missing+=(redis-aof)
fi

if [ ${#missing[@]} -gt 0 ]; then
    echo "services: not reachable: ${missing[*]}" >&2
    [ "${CI:-}" = "true" ] && exit 1
    echo "services: the tests that need them will be skipped (they fail under CI=true)" >&2
fi
exit 0
