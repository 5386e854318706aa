"""The flush: applies the Redis ledger's pending deltas and log rows to the database, each batch exactly once.

Under a Redis lock (SET NX PX with a random owner, released by compare-and-delete):

1. *Take.* One script renames the pending hash and log list into the single in-flight slot and gives
   the batch the next number. If the slot is full, a worker died mid-flush, and that batch is taken.
2. *Apply.* One transaction first claims the batch number in the ``options`` row LedgerFlushedBatch
   (an UPDATE that succeeds only while the stored number is lower), then runs ``col = col + delta``
   UPDATEs (tokens, users, channels, each in id order) and inserts the log rows. If the number is
   already recorded, the batch was committed by a worker that died before step 3, and it is skipped.
3. *Drop.* The in-flight slot is deleted, but only if it still holds this batch.

The slot holds one batch, so batches reach the database strictly in order, and one number records
every batch ever applied. That needs no new table, and the claim also fences a worker that outlived
its lock. When the logs live in their own database (LOG_SQL_DSN), that database records its own
number in its own ``options`` table, so the deltas and the log rows are each applied exactly once.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from dataclasses import dataclass

import redis
from sqlalchemy import BigInteger, bindparam, case, cast, func, insert, select, update
from sqlalchemy.engine import Connection

from app.billing.ledger_redis import (BATCH_SEQ, FLUSH_LOCK, INFLIGHT, INFLIGHT_DELTAS, INFLIGHT_LOGS, PENDING,
                                      PENDING_LOGS, WATERMARK_OPTION)
from app.cache import redis_client
from app.extensions import db
from app.models import Channel, Log, Option, Token, User

log = logging.getLogger(__name__)

# Well above a flush's duration; a worker killed while holding the lock delays the next flush this long.
# Correctness never rests on the lock: the claim in _apply fences a worker that outlived it.
LOCK_TTL_MS = 15_000

# Tables in the lock order the SQL ledger uses, with the columns a delta may move.
_TABLES = {"token": (Token.__table__, ("remain_quota", "used_quota")),
           "user": (User.__table__, ("quota", "used_quota", "request_count")),
           "channel": (Channel.__table__, ("used_quota",))}

# KEYS: pending, pending logs, in-flight, in-flight deltas, in-flight logs, batch seq. ARGV: watermark, now.
_TAKE = """
local stuck = redis.call('HGET', KEYS[3], 'seq')
if stuck then return tonumber(stuck) end
if redis.call('EXISTS', KEYS[1]) == 0 and redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
-- Numbers must keep rising even if Redis lost its counter, or a new batch would look applied.
if tonumber(ARGV[1]) > tonumber(redis.call('GET', KEYS[6]) or '0') then redis.call('SET', KEYS[6], ARGV[1]) end
local seq = redis.call('INCR', KEYS[6])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('RENAME', KEYS[1], KEYS[4]) end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('RENAME', KEYS[2], KEYS[5]) end
redis.call('HSET', KEYS[3], 'seq', seq, 'taken_at', ARGV[2])
return seq
"""

# KEYS: in-flight, in-flight deltas, in-flight logs. ARGV: seq.
_DROP = """
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


@dataclass(frozen=True, slots=True)
class FlushResult:
    busy: bool = False  # another worker holds the lock; nothing was done
    applied: tuple[int, ...] = ()  # batch numbers this call wrote
    skipped: tuple[int, ...] = ()  # batches found already written by a worker that died before dropping them
    rows_updated: int = 0
    logs_written: int = 0


@dataclass(frozen=True, slots=True)
class _Batch:
    seq: int
    deltas: dict[str, dict[int, dict[str, int]]]  # kind → id → column → delta
    logs: list[dict]


def flush_to_db() -> FlushResult:
    """Write every delta and log row queued so far (plus any batch a dead worker left) to the database."""
    client = redis_client()
    if client is None:
        return FlushResult()
    owner = secrets.token_hex(16)
    if not client.set(FLUSH_LOCK, owner, nx=True, px=LOCK_TTL_MS):
        return FlushResult(busy=True)
    try:
        return _flush(client)
    finally:
        client.register_script(_RELEASE)(keys=[FLUSH_LOCK], args=[owner])


def _flush(client: redis.Redis) -> FlushResult:
    applied, skipped, rows, logs = [], [], 0, 0
    for _ in range(2):  # a batch a dead worker left in flight, then what is pending now
        batch = _take(client)
        if batch is None:
            break
        written = _apply(batch)
        if written is None:
            log.warning("Quota batch %s was already in the database; dropping its Redis copy", batch.seq)
            skipped.append(batch.seq)
        else:
            applied.append(batch.seq)
            rows, logs = rows + written[0], logs + written[1]
        _drop(client, batch.seq)
    return FlushResult(applied=tuple(applied), skipped=tuple(skipped), rows_updated=rows, logs_written=logs)


def _take(client: redis.Redis) -> _Batch | None:
    watermark = max(_watermark(engine) for engine in set(_engines()))
    client.register_script(_TAKE)(keys=[PENDING, PENDING_LOGS, INFLIGHT, INFLIGHT_DELTAS, INFLIGHT_LOGS, BATCH_SEQ],
                                  args=[watermark, int(time.time())])
    with client.pipeline(transaction=True) as pipe:  # the slot's number and contents from one instant
        seq, deltas, logs = pipe.hget(INFLIGHT, "seq").hgetall(INFLIGHT_DELTAS).lrange(INFLIGHT_LOGS, 0, -1).execute()
    if seq is None:
        return None
    return _Batch(int(seq), _parse_deltas(deltas), [json.loads(row) for row in logs])


def _parse_deltas(raw: dict[bytes, bytes]) -> dict[str, dict[int, dict[str, int]]]:
    deltas: dict[str, dict[int, dict[str, int]]] = {}
    for field, value in raw.items():
        kind, entity_id, column = field.decode().split(":")
        deltas.setdefault(kind, {}).setdefault(int(entity_id), {})[column] = int(value)
    return deltas


def _apply(batch: _Batch) -> tuple[int, int] | None:
    """(rows updated, log rows written), or None when the batch had been applied before."""
    main, logs = _engines()
    if logs is main:
        with main.begin() as connection:
            if not _claim(connection, batch.seq):
                return None
            return _apply_deltas(connection, batch.deltas), _insert_logs(connection, batch.logs)
    deltas_written = logs_written = None
    with main.begin() as connection:
        if _claim(connection, batch.seq):
            deltas_written = _apply_deltas(connection, batch.deltas)
    with logs.begin() as connection:
        if _claim(connection, batch.seq):
            logs_written = _insert_logs(connection, batch.logs)
    if deltas_written is None and logs_written is None:
        return None
    return deltas_written or 0, logs_written or 0


def _claim(connection: Connection, seq: int) -> bool:
    """Record ``seq`` as applied in this transaction; False if it (or a later batch) already is.

    The conditional UPDATE comes first, so it takes the row lock (and SQLite's write lock) before
    anything is read: a second worker on the same batch waits here, then finds the number recorded.
    """
    options = Option.__table__
    claimed = connection.execute(
        update(options).where(options.c.key == WATERMARK_OPTION, cast(options.c.value, BigInteger) < seq)
        .values(value=str(seq))).rowcount
    if claimed:
        return True
    recorded = connection.execute(select(options.c.value).where(options.c.key == WATERMARK_OPTION)).scalar()
    if recorded is None:
        connection.execute(insert(options).values(key=WATERMARK_OPTION, value=str(seq)))
        return True
    return False


def _apply_deltas(connection: Connection, deltas: dict[str, dict[int, dict[str, int]]]) -> int:
    updated = 0
    for kind, (table, columns) in _TABLES.items():
        changed = [(entity_id, changes) for entity_id, changes in sorted(deltas.get(kind, {}).items())
                   if any(changes.values())]
        if not changed:
            continue
        values = {column: table.c[column] + bindparam(f"d_{column}", type_=BigInteger) for column in columns}
        params = [{"_id": entity_id, **{f"d_{column}": changes.get(column, 0) for column in columns}}
                  for entity_id, changes in changed]
        if kind == "token":  # the latest use wins, as SQL's accessed_time = now would
            accessed = bindparam("d_accessed_time", type_=BigInteger)
            values["accessed_time"] = case((func.coalesce(table.c.accessed_time, 0) < accessed, accessed),
                                           else_=table.c.accessed_time)
            for param, (_, changes) in zip(params, changed):
                param["d_accessed_time"] = changes.get("accessed_time", 0)
        connection.execute(update(table).where(table.c.id == bindparam("_id")).values(values), params)
        updated += len(params)
    return updated


def _insert_logs(connection: Connection, rows: list[dict]) -> int:
    groups: dict[frozenset, list[dict]] = {}
    for row in rows:  # one executemany per shape: every row of an INSERT must bind the same columns
        groups.setdefault(frozenset(row), []).append(row)
    for group in groups.values():
        connection.execute(insert(Log.__table__), group)
    return len(rows)


def _drop(client: redis.Redis, seq: int) -> None:
    client.register_script(_DROP)(keys=[INFLIGHT, INFLIGHT_DELTAS, INFLIGHT_LOGS], args=[seq])


def _engines():
    return db.engines[None], db.engines["logs"]


def _watermark(engine) -> int:
    with engine.connect() as connection:
        value = connection.execute(select(Option.value).where(Option.key == WATERMARK_OPTION)).scalar()
    return int(value or 0)
