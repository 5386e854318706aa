"""The Redis quota ledger: balances held in Redis while hot, every change queued as a delta for the flush.

One invariant, kept by every script below, makes the design work. For every user and token whose
balance is loaded::

    Redis balance = database column + pending delta + in-flight delta (while that batch is unapplied)

Each script changes a balance and records the same change as a pending delta in one atomic step, so
the two can never drift. The flush (app.billing.flush) moves the pending deltas into the database
without changing the sum. A balance can therefore vanish (TTL, eviction, ``forget_*``) at any moment
and be rebuilt exactly from the database plus the deltas still in Redis. The database column lags
the truth by at most one flush interval.

Until a flush, the deltas exist only in Redis. Run it with AOF persistence, and with maxmemory-policy
noeviction or a volatile-* policy (only balances have TTLs, and only they may be evicted safely).
Redis Cluster is not supported: a script touches keys in several hash slots.

Keys:
  tg:bal:user:<id>  {quota}           tg:bal:token:<id>  {remain}       balances, TTL = SYNC_FREQUENCY
  tg:ledger:pending  {<kind>:<id>:<column>: delta}  tg:ledger:pending:logs  [log row JSON]
  tg:ledger:inflight {seq, taken_at}  tg:ledger:inflight:deltas  tg:ledger:inflight:logs
  tg:ledger:seq      the last batch number handed out
  tg:ledger:external bumped whenever a balance is dropped because the database changed under it
  tg:ledger:holds {<request id>: hold JSON}  tg:ledger:hold-deadlines  zset of request ids by deadline
  tg:ledger:hold-progress {<request id>: "<charged so far>:<channel id>"}   the journal of open reservations
"""

from __future__ import annotations

import json
import time

import redis
from sqlalchemy import func, select

from app.billing.ledger import Account, Balances, Hold, HoldClosed, Ledger, OpenHold, QuotaExhausted, Settlement, current_ledger
from app.cache import SingleFlight
from app.config import ConfigError
from app.extensions import db
from app.models import Option, Token, User

PENDING, PENDING_LOGS = "tg:ledger:pending", "tg:ledger:pending:logs"
INFLIGHT, INFLIGHT_DELTAS, INFLIGHT_LOGS = "tg:ledger:inflight", "tg:ledger:inflight:deltas", "tg:ledger:inflight:logs"
BATCH_SEQ, EXTERNAL_CHANGES, FLUSH_LOCK = "tg:ledger:seq", "tg:ledger:external", "tg:ledger:flush-lock"
HOLDS, HOLD_DEADLINES, HOLD_PROGRESS = "tg:ledger:holds", "tg:ledger:hold-deadlines", "tg:ledger:hold-progress"
# The options row holding the number of the last batch applied to a database (see app.billing.flush).
WATERMARK_OPTION = "LedgerFlushedBatch"
_LOAD_ATTEMPTS = 50
_RESERVE_ROUNDS = 30

# The SQL ledger's columns for each holder, and the Redis balance field that mirrors the first one.
_BALANCES = {"user": ("quota", User.quota, User.id), "token": ("remain", Token.remain_quota, Token.id)}
_DELTA_COLUMNS = {"user": "quota", "token": "remain_quota"}

# Arguments are decimal strings throughout: Lua numbers are doubles, and Redis formats them lossily.
_TOUCH = """
local function touch(field, now)
  if tonumber(redis.call('HGET', KEYS[3], field) or '0') < tonumber(now) then
    redis.call('HSET', KEYS[3], field, now)
  end
end
local function add_if_loaded(key, field, amount)
  if redis.call('EXISTS', key) == 1 then redis.call('HINCRBY', key, field, amount) end
end
"""

# KEYS: token balance, user balance, pending, holds, hold deadlines.
# ARGV: amount, -amount, now, token prefix ('' = unlimited), user prefix, request id, hold JSON, deadline.
_RESERVE = _TOUCH + """
local limited = ARGV[4] ~= ''
if limited and redis.call('EXISTS', KEYS[1]) == 0 then return 'load:token' end
if redis.call('EXISTS', KEYS[2]) == 0 then return 'load:user' end
local amount = tonumber(ARGV[1])
if limited and tonumber(redis.call('HGET', KEYS[1], 'remain')) < amount then return 'token' end
if tonumber(redis.call('HGET', KEYS[2], 'quota')) < amount then return 'user' end
if limited then
  redis.call('HINCRBY', KEYS[1], 'remain', ARGV[2])
  redis.call('HINCRBY', KEYS[3], ARGV[4] .. 'remain_quota', ARGV[2])
  redis.call('HINCRBY', KEYS[3], ARGV[4] .. 'used_quota', ARGV[1])
  touch(ARGV[4] .. 'accessed_time', ARGV[3])
end
redis.call('HINCRBY', KEYS[2], 'quota', ARGV[2])
redis.call('HINCRBY', KEYS[3], ARGV[5] .. 'quota', ARGV[2])
redis.call('HSET', KEYS[4], ARGV[6], ARGV[7])
redis.call('ZADD', KEYS[5], ARGV[8], ARGV[6])
return 'ok'
"""

# Closing a hold: KEYS[n], KEYS[n+1], KEYS[n+2] are holds, hold deadlines and hold progress; 1 if it was open.
_CLOSE_HOLD = """
local function close_hold(n, request_id)
  redis.call('ZREM', KEYS[n + 1], request_id)
  redis.call('HDEL', KEYS[n + 2], request_id)
  return redis.call('HDEL', KEYS[n], request_id)
end
"""

# KEYS: token balance, user balance, pending, pending logs, holds, hold deadlines, hold progress.
# ARGV: delta, -delta, charged, now, token prefix, '1' if the token is limited, user prefix, channel prefix
# ('' = nothing charged), log row JSON ('' = none), request id, -charged, '1' if the hold must be open.
# The delta offsets the reservation while the hold is open; once the sweeper closed it, the charge is whole.
# A balance that is not loaded is left alone: its next load adds the pending delta recorded here.
# Returns the user's balance after the charge, or nil when it is not loaded.
_SETTLE = _TOUCH + _CLOSE_HOLD + """
local delta, minus_delta = ARGV[1], ARGV[2]
if close_hold(5, ARGV[10]) == 0 then
  if ARGV[12] == '1' then return 'closed' end
  delta, minus_delta = ARGV[3], ARGV[11]
end
if ARGV[6] == '1' then
  add_if_loaded(KEYS[1], 'remain', minus_delta)
  redis.call('HINCRBY', KEYS[3], ARGV[5] .. 'remain_quota', minus_delta)
  redis.call('HINCRBY', KEYS[3], ARGV[5] .. 'used_quota', delta)
else
  redis.call('HINCRBY', KEYS[3], ARGV[5] .. 'used_quota', ARGV[3])
end
touch(ARGV[5] .. 'accessed_time', ARGV[4])
add_if_loaded(KEYS[2], 'quota', minus_delta)
redis.call('HINCRBY', KEYS[3], ARGV[7] .. 'quota', minus_delta)
redis.call('HINCRBY', KEYS[3], ARGV[7] .. 'used_quota', ARGV[3])
redis.call('HINCRBY', KEYS[3], ARGV[7] .. 'request_count', 1)
if ARGV[8] ~= '' then redis.call('HINCRBY', KEYS[3], ARGV[8] .. 'used_quota', ARGV[3]) end
if ARGV[9] ~= '' then redis.call('RPUSH', KEYS[4], ARGV[9]) end
return redis.call('HGET', KEYS[2], 'quota')
"""

# KEYS: token balance, user balance, pending, pending logs, holds, hold deadlines, hold progress.
# ARGV: amount, -amount, token prefix ('' = unlimited), user prefix, request id, log row JSON ('' = none).
# Returns 0, giving nothing back, when the hold was closed already.
_REFUND = _TOUCH + _CLOSE_HOLD + """
if close_hold(5, ARGV[5]) == 0 then return 0 end
if ARGV[6] ~= '' then redis.call('RPUSH', KEYS[4], ARGV[6]) end
if ARGV[3] ~= '' then
  add_if_loaded(KEYS[1], 'remain', ARGV[1])
  redis.call('HINCRBY', KEYS[3], ARGV[3] .. 'remain_quota', ARGV[1])
  redis.call('HINCRBY', KEYS[3], ARGV[3] .. 'used_quota', ARGV[2])
end
add_if_loaded(KEYS[2], 'quota', ARGV[1])
redis.call('HINCRBY', KEYS[3], ARGV[4] .. 'quota', ARGV[1])
return 1
"""

# KEYS: holds, hold deadlines, hold progress. ARGV: request id, deadline, "<charged>:<channel id>".
_EXTEND = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
"""

# KEYS: balance, pending, in-flight, in-flight deltas, batch seq, external changes.
# ARGV: balance field, delta field, database value, watermark of that read, external count seen before it, ttl.
# Returns 1 when the balance is there (loaded now or by a racing loader), 0 when the read must be redone:
#  - a balance was dropped since the read began (the read may predate the change that caused it);
#  - a batch the read did not see was applied and deleted meanwhile (its delta would be counted nowhere).
# Otherwise every delta the read did not see is still in Redis: pending, or in flight above the watermark.
_LOAD = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if (redis.call('GET', KEYS[6]) or '0') ~= ARGV[5] then return 0 end
local watermark = tonumber(ARGV[4])
local inflight = tonumber(redis.call('HGET', KEYS[3], 'seq') or '0')
local deleted_upto = tonumber(redis.call('GET', KEYS[5]) or '0')
if inflight > 0 then deleted_upto = inflight - 1 end
if deleted_upto > watermark then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local pending = redis.call('HGET', KEYS[2], ARGV[2])
if pending then redis.call('HINCRBY', KEYS[1], ARGV[1], pending) end
if inflight > watermark then
  local unapplied = redis.call('HGET', KEYS[4], ARGV[2])
  if unapplied then redis.call('HINCRBY', KEYS[1], ARGV[1], unapplied) end
end
if tonumber(ARGV[6]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[6]) end
return 1
"""

# KEYS: balance, external changes.
_FORGET = """
redis.call('INCR', KEYS[2])
return redis.call('DEL', KEYS[1])
"""


class LedgerBusy(RuntimeError):
    """A balance could not be loaded because flushes and edits kept changing the database under the read."""


def balance_key(kind: str, entity_id: int) -> str:
    return f"tg:bal:{kind}:{entity_id}"


def _prefix(kind: str, entity_id: int) -> str:
    return f"{kind}:{entity_id}:"


class RedisLedger(Ledger):
    """The ledger for many nodes: no SQL on the hot path except loading a balance that is not in Redis."""

    def __init__(self, client: redis.Redis, *, balance_ttl: int) -> None:
        self.redis = client
        self.balance_ttl = balance_ttl  # bounds how long a database edit nobody announced goes unseen
        self._reserve = client.register_script(_RESERVE)
        self._settle = client.register_script(_SETTLE)
        self._refund = client.register_script(_REFUND)
        self._extend = client.register_script(_EXTEND)
        self._load_balance = client.register_script(_LOAD)
        self._forget = client.register_script(_FORGET)
        self._loads = SingleFlight()

    def reserve(self, hold: Hold) -> None:
        account, amount = hold.account, hold.amount
        if amount <= 0:
            return
        token_prefix = "" if account.token_unlimited else _prefix("token", account.token_id)
        keys = [balance_key("token", account.token_id), balance_key("user", account.user_id), PENDING, HOLDS,
                HOLD_DEADLINES]
        args = [amount, -amount, int(time.time()), token_prefix, _prefix("user", account.user_id), hold.request_id,
                _hold_json(hold), hold.deadline]
        # Load the token, load the user, reserve: three rounds normally. Balances only vanish on their TTL
        # or an admin's edit, but a reload shared with other requests (single-flight) may have been read
        # before the latest eviction, so allow many more rounds before calling the ledger busy.
        for _ in range(_RESERVE_ROUNDS):
            verdict = self._reserve(keys=keys, args=args).decode()
            if verdict == "ok":
                return
            if verdict in ("user", "token"):
                raise QuotaExhausted(verdict)
            holder = verdict.removeprefix("load:")
            entity_id = account.token_id if holder == "token" else account.user_id
            if not self._loads.do((holder, entity_id), lambda: self._load(holder, entity_id)):
                raise QuotaExhausted(holder)  # no such row: nothing to take from, as the SQL ledger finds
        raise LedgerBusy("the balances kept disappearing while being reserved")

    def settle(self, settlement: Settlement) -> int | None:
        account, charged = settlement.account, settlement.charged
        delta = charged - settlement.reserved
        balance = self._settle(
            keys=[balance_key("token", account.token_id), balance_key("user", account.user_id), PENDING, PENDING_LOGS,
                  HOLDS, HOLD_DEADLINES, HOLD_PROGRESS],
            args=[delta, -delta, charged, int(time.time()), _prefix("token", account.token_id),
                  "0" if account.token_unlimited else "1", _prefix("user", account.user_id),
                  _prefix("channel", settlement.channel_id) if charged else "",
                  _log_json(settlement.log), settlement.request_id, -charged, "1" if settlement.require_hold else "0"])
        if balance == b"closed":
            raise HoldClosed(settlement.request_id)
        return None if balance is None else int(balance)

    def refund(self, request_id: str, account: Account, amount: int, log: dict | None = None) -> bool:
        if amount <= 0:
            return False
        token_prefix = "" if account.token_unlimited else _prefix("token", account.token_id)
        return bool(self._refund(
            keys=[balance_key("token", account.token_id), balance_key("user", account.user_id), PENDING, PENDING_LOGS,
                  HOLDS, HOLD_DEADLINES, HOLD_PROGRESS],
            args=[amount, -amount, token_prefix, _prefix("user", account.user_id), request_id, _log_json(log)]))

    def is_held(self, request_id: str) -> bool:
        return bool(self.redis.hexists(HOLDS, request_id))

    def extend(self, request_id: str, deadline: int, charged: int, channel_id: int) -> None:
        self._extend(keys=[HOLDS, HOLD_DEADLINES, HOLD_PROGRESS], args=[request_id, deadline, f"{charged}:{channel_id}"])

    def expired_holds(self, now: int, limit: int) -> list[OpenHold]:
        request_ids = self.redis.zrangebyscore(HOLD_DEADLINES, "-inf", f"({now}", start=0, num=limit)
        if not request_ids:
            return []
        with self.redis.pipeline(transaction=True) as pipe:
            holds, progress = pipe.hmget(HOLDS, request_ids).hmget(HOLD_PROGRESS, request_ids).execute()
        return [_open_hold(request_id.decode(), raw, step) for request_id, raw, step in zip(request_ids, holds, progress)
                if raw is not None]

    def balances(self, account: Account) -> Balances:
        token = None if account.token_unlimited else self._balance("token", account.token_id)
        return Balances(self._balance("user", account.user_id), token)

    def _balance(self, kind: str, entity_id: int) -> int:
        """A holder's Redis balance, loading it first when it is not there; 0 when the row does not exist."""
        field = _BALANCES[kind][0]
        for _ in range(_RESERVE_ROUNDS):
            value = self.redis.hget(balance_key(kind, entity_id), field)
            if value is not None:
                return int(value)
            if not self._loads.do((kind, entity_id), lambda: self._load(kind, entity_id)):
                return 0
        raise LedgerBusy(f"the balance of {kind} {entity_id} kept disappearing while being read")

    def forget_user(self, user_id: int) -> None:
        """Drop the user's balance so the next reservation rebuilds it from the database."""
        self._forget(keys=[balance_key("user", user_id), EXTERNAL_CHANGES])

    def forget_token(self, token_id: int) -> None:
        self._forget(keys=[balance_key("token", token_id), EXTERNAL_CHANGES])

    def _load(self, kind: str, entity_id: int) -> bool:
        """Put the holder's balance into Redis; False when the row does not exist."""
        field, column, id_column = _BALANCES[kind]
        keys = [balance_key(kind, entity_id), PENDING, INFLIGHT, INFLIGHT_DELTAS, BATCH_SEQ, EXTERNAL_CHANGES]
        for attempt in range(_LOAD_ATTEMPTS):
            external_seen = self.redis.get(EXTERNAL_CHANGES) or b"0"
            row = _read_balance(column, id_column, entity_id)
            if row is None:
                return False
            value, watermark = row
            args = [field, _prefix(kind, entity_id) + _DELTA_COLUMNS[kind], int(value or 0), int(watermark or 0),
                    external_seen, self.balance_ttl]
            if self._load_balance(keys=keys, args=args):
                return True
            time.sleep(0.002 * attempt)
        raise LedgerBusy(f"could not load the balance of {kind} {entity_id}")


def _read_balance(column, id_column, entity_id: int):
    """(balance, flushed batch number) from ONE statement, so both come from the same snapshot."""
    watermark = select(Option.value).where(Option.key == WATERMARK_OPTION).scalar_subquery()
    statement = select(func.coalesce(column, 0), watermark).where(id_column == entity_id)
    with db.engines[None].connect() as connection:  # its own connection: the caller's session is untouched
        return connection.execute(statement).first()


def _hold_json(hold: Hold) -> str:
    account = hold.account
    return json.dumps({"user": account.user_id, "token": account.token_id, "unlimited": account.token_unlimited,
                       "amount": hold.amount, "channel": hold.channel_id, "created_at": int(time.time()),
                       "detail": hold.detail}, ensure_ascii=False, separators=(",", ":"))


def _open_hold(request_id: str, raw: bytes, progress: bytes | None) -> OpenHold:
    hold = json.loads(raw)
    charged, channel_id = (int(part) for part in progress.split(b":")) if progress else (0, hold["channel"])
    return OpenHold(request_id, Account(hold["user"], hold["token"], hold["unlimited"]), hold["amount"], charged,
                    channel_id, hold["created_at"], hold["detail"])


def _log_json(row: dict | None) -> str:
    return "" if row is None else json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def check_persistence(client: redis.Redis, *, vouched: bool) -> None:
    """Refuse a Redis that forgets on restart: batched bills live only in Redis until the next flush.

    AOF (``appendonly yes``) replays every write after a restart, so pending deltas, log rows and open
    holds survive it; RDB snapshots alone lose the writes since the last one. A Redis whose CONFIG command
    is disabled (managed services) cannot be asked, and is accepted only when the admin vouches for it.
    """
    try:
        appendonly = str(client.config_get("appendonly").get("appendonly", "")).lower()
    except redis.ResponseError:
        if vouched:
            return
        raise ConfigError("BATCH_UPDATE_ENABLED=true needs a Redis that keeps its data across restarts, and this "
                          "one does not answer CONFIG GET appendonly; if it persists every write (AOF), set "
                          "REDIS_PERSISTENCE_VERIFIED=true") from None
    if appendonly != "yes":
        raise ConfigError("BATCH_UPDATE_ENABLED=true needs a Redis that keeps its data across restarts: until a "
                          "flush, bills exist only in Redis. Turn on append-only persistence (redis-server "
                          "--appendonly yes, or CONFIG SET appendonly yes) or unset BATCH_UPDATE_ENABLED")


def apply_external_credit(user_id: int, delta: int) -> None:
    """Tell the ledger that a committed transaction changed ``users.quota`` by ``delta`` outside it.

    Call it AFTER the commit (top-ups, redemptions, admin edits in app.billing.credits). With the SQL
    ledger it does nothing. With the Redis ledger it drops the user's Redis balance, so the next
    reservation reloads it from the database (which now holds the change) plus the deltas not yet
    flushed. It does not add ``delta`` to a loaded balance: a balance loaded just after the commit
    already holds it, and nothing in Redis can tell the two cases apart.
    """
    if delta == 0:
        return
    ledger = current_ledger()
    if isinstance(ledger, RedisLedger):
        ledger.forget_user(user_id)


def apply_external_token_change(token_id: int) -> None:
    """Like apply_external_credit, after an admin or user commits a new ``remain_quota`` or unlimited flag."""
    ledger = current_ledger()
    if isinstance(ledger, RedisLedger):
        ledger.forget_token(token_id)
