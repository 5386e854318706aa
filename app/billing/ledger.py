"""The quota ledger: atomic reserve, settle and refund on the user's and the token's balances.

Two backends implement one interface. The SQL backend (the embedded default) uses conditional
UPDATEs, so a balance can never be reserved twice, whatever the concurrency. A Redis backend for
many nodes, with batched flushes, implements the same interface.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

import orjson
from sqlalchemy import BigInteger, bindparam, delete, insert, select, update

from app.extensions import db
from app.models import Channel, Log, QuotaHold, Token, User


class HoldClosed(Exception):
    """A settlement that required an open hold found it closed already (its request settled itself)."""


class QuotaExhausted(Exception):
    """A reservation was refused; ``holder`` is "user" or "token"."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


@dataclass(frozen=True, slots=True)
class Account:
    """Whose balances a call moves."""

    user_id: int
    token_id: int
    token_unlimited: bool


@dataclass(frozen=True, slots=True)
class Balances:
    """What an account holds right now, read without taking anything."""

    user: int
    token: int | None  # None: the key is unlimited

    @property
    def spendable(self) -> int:
        """The most a reservation could take: the user's balance, or the limited token's if lower."""
        return self.user if self.token is None else min(self.user, self.token)

    def holder_short_of(self, amount: int) -> str | None:
        """"token" or "user" when that balance is below ``amount``, the key first (as reservations check)."""
        if self.token is not None and self.token < amount:
            return "token"
        return "user" if self.user < amount else None


@dataclass(frozen=True, slots=True)
class Hold:
    """A reservation's entry in the journal: enough for the sweeper to close it if its worker dies."""

    request_id: str
    account: Account
    amount: int
    channel_id: int
    deadline: int  # unix seconds; the request moves it on while it lives (Ledger.extend)
    detail: dict  # username, token_name, model_name, is_stream: the sweeper's log row


@dataclass(frozen=True, slots=True)
class Settlement:
    request_id: str
    account: Account
    channel_id: int
    reserved: int  # applies only while the hold is open: a swept hold was given back already
    charged: int
    log: dict | None  # a logs row, or None when consume logs are off
    require_hold: bool = False  # the sweeper's: raise HoldClosed instead of charging a closed hold in full


@dataclass(frozen=True, slots=True)
class OpenHold:
    """A journaled reservation as the sweeper finds it."""

    request_id: str
    account: Account
    amount: int
    charged: int  # the running cost the request recorded at its last sign of life
    channel_id: int
    created_at: int
    detail: dict


class Ledger(ABC):
    @abstractmethod
    def reserve(self, hold: Hold) -> None:
        """Take ``hold.amount`` from both balances and journal the hold, or nothing at all (QuotaExhausted)."""

    @abstractmethod
    def settle(self, settlement: Settlement) -> int | None:
        """Close the hold, turn it into the final charge, count the call, and write its log row.

        If the hold is no longer open (the sweeper closed it), the charge is taken as it is, with nothing
        reserved to offset it. Returns the user's balance right after, read in the same atomic step, or
        None when the backend does not hold it at that moment (the quota reminder then stays silent).
        """

    @abstractmethod
    def refund(self, request_id: str, account: Account, amount: int, log: dict | None = None) -> bool:
        """Close the hold and give it back in full, writing ``log`` with it; False if it was closed already."""

    @abstractmethod
    def is_held(self, request_id: str) -> bool:
        """Whether the hold is still open."""

    @abstractmethod
    def extend(self, request_id: str, deadline: int, charged: int, channel_id: int) -> None:
        """A sign of life: the hold lives until ``deadline`` and has cost ``charged`` so far."""

    @abstractmethod
    def expired_holds(self, now: int, limit: int) -> list[OpenHold]:
        """Holds whose deadline has passed: their requests' workers are gone."""

    @abstractmethod
    def balances(self, account: Account) -> Balances:
        """The user's and the limited token's balances now; 0 for a row that does not exist."""


_tokens, _users, _channels, _logs = Token.__table__, User.__table__, Channel.__table__, Log.__table__
_holds = QuotaHold.__table__


def _param(name: str):
    return bindparam(name, type_=BigInteger)


# Built once: constructing these expressions cost more CPU per request than running them on SQLite.
# Every transaction locks rows in one order (hold, token, user, channel), so concurrent calls cannot
# deadlock: the hold comes first because deleting a hold the sweeper already closed takes a gap lock
# on MariaDB, which an insert of another hold waits for before it takes any balance row.
_INSERT_HOLD = insert(_holds)
_DELETE_HOLD = delete(_holds).where(_holds.c.request_id == bindparam("p_request"))
_FIND_HOLD = select(_holds.c.request_id).where(_holds.c.request_id == bindparam("p_request"))
_EXTEND_HOLD = update(_holds).where(_holds.c.request_id == bindparam("p_request")).values(
    deadline=_param("p_deadline"), charged=_param("p_charged"), channel_id=_param("p_channel"))
_EXPIRED_HOLDS = select(_holds).where(_holds.c.deadline < _param("p_now")).order_by(_holds.c.deadline).limit(
    bindparam("p_limit"))
_TAKE_FROM_TOKEN = update(_tokens).where(_tokens.c.id == _param("p_token"),
                                         _tokens.c.remain_quota >= _param("p_amount")).values(
    remain_quota=_tokens.c.remain_quota - _param("p_amount"), used_quota=_tokens.c.used_quota + _param("p_amount"),
    accessed_time=_param("p_now"))
_TAKE_FROM_USER = update(_users).where(_users.c.id == _param("p_user"), _users.c.quota >= _param("p_amount")).values(
    quota=_users.c.quota - _param("p_amount"))
_SETTLE_TOKEN = update(_tokens).where(_tokens.c.id == _param("p_token")).values(
    remain_quota=_tokens.c.remain_quota - _param("p_remain_delta"),
    used_quota=_tokens.c.used_quota + _param("p_used_delta"), accessed_time=_param("p_now"))
_SETTLE_USER = update(_users).where(_users.c.id == _param("p_user")).values(
    quota=_users.c.quota - _param("p_delta"), used_quota=_users.c.used_quota + _param("p_charged"),
    request_count=_users.c.request_count + 1)
_SETTLE_USER_RETURNING = _SETTLE_USER.returning(_users.c.quota)
_LOCKED_USER_QUOTA = select(_users.c.quota).where(_users.c.id == _param("p_user")).with_for_update()
_CHARGE_CHANNEL = update(_channels).where(_channels.c.id == _param("p_channel")).values(
    used_quota=_channels.c.used_quota + _param("p_charged"))
_REFUND_TOKEN = update(_tokens).where(_tokens.c.id == _param("p_token")).values(
    remain_quota=_tokens.c.remain_quota + _param("p_amount"), used_quota=_tokens.c.used_quota - _param("p_amount"))
_REFUND_USER = update(_users).where(_users.c.id == _param("p_user")).values(quota=_users.c.quota + _param("p_amount"))
_INSERT_LOG = insert(_logs)
_USER_BALANCE = select(_users.c.quota).where(_users.c.id == _param("p_user"))
_TOKEN_BALANCE = select(_tokens.c.remain_quota).where(_tokens.c.id == _param("p_token"))


class SqlLedger(Ledger):
    def reserve(self, hold: Hold) -> None:
        account, amount = hold.account, hold.amount
        if amount <= 0:
            return
        try:
            db.session.execute(_INSERT_HOLD, _hold_row(hold))
            if not account.token_unlimited and not db.session.execute(_TAKE_FROM_TOKEN, {
                    "p_token": account.token_id, "p_amount": amount, "p_now": int(time.time())}).rowcount:
                raise QuotaExhausted("token")
            if not db.session.execute(_TAKE_FROM_USER, {"p_user": account.user_id, "p_amount": amount}).rowcount:
                raise QuotaExhausted("user")
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise

    def settle(self, settlement: Settlement) -> int | None:
        account, charged = settlement.account, settlement.charged
        try:
            held = db.session.execute(_DELETE_HOLD, {"p_request": settlement.request_id}).rowcount
            if not held and settlement.require_hold:
                raise HoldClosed(settlement.request_id)
            delta = charged - (settlement.reserved if held else 0)
            db.session.execute(_SETTLE_TOKEN, {
                "p_token": account.token_id, "p_now": int(time.time()),
                # An unlimited key keeps its remaining quota and counts the whole charge as used.
                "p_remain_delta": 0 if account.token_unlimited else delta,
                "p_used_delta": charged if account.token_unlimited else delta})
            balance = _settle_user(account.user_id, delta, charged)
            if charged:
                db.session.execute(_CHARGE_CHANNEL, {"p_channel": settlement.channel_id, "p_charged": charged})
            if settlement.log is not None:
                db.session.execute(_INSERT_LOG, settlement.log)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return balance

    def refund(self, request_id: str, account: Account, amount: int, log: dict | None = None) -> bool:
        if amount <= 0:
            return False
        try:
            if not db.session.execute(_DELETE_HOLD, {"p_request": request_id}).rowcount:
                db.session.rollback()
                return False
            if not account.token_unlimited:
                db.session.execute(_REFUND_TOKEN, {"p_token": account.token_id, "p_amount": amount})
            db.session.execute(_REFUND_USER, {"p_user": account.user_id, "p_amount": amount})
            if log is not None:
                db.session.execute(_INSERT_LOG, log)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return True

    def is_held(self, request_id: str) -> bool:
        found = db.session.execute(_FIND_HOLD, {"p_request": request_id}).first() is not None
        db.session.commit()
        return found

    def extend(self, request_id: str, deadline: int, charged: int, channel_id: int) -> None:
        try:
            db.session.execute(_EXTEND_HOLD, {"p_request": request_id, "p_deadline": deadline,
                                              "p_charged": charged, "p_channel": channel_id})
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise

    def expired_holds(self, now: int, limit: int) -> list[OpenHold]:
        rows = db.session.execute(_EXPIRED_HOLDS, {"p_now": now, "p_limit": limit}).all()
        db.session.commit()
        return [OpenHold(row.request_id, Account(row.user_id, row.token_id, bool(row.token_unlimited)), row.amount,
                         row.charged, row.channel_id, row.created_at, orjson.loads(row.detail or "{}"))
                for row in rows]


    def balances(self, account: Account) -> Balances:
        try:
            user = db.session.execute(_USER_BALANCE, {"p_user": account.user_id}).scalar()
            token = None if account.token_unlimited else \
                db.session.execute(_TOKEN_BALANCE, {"p_token": account.token_id}).scalar() or 0
            db.session.commit()  # a read left open would hold SQLite's snapshot into the next reserve
        except BaseException:
            db.session.rollback()
            raise
        return Balances(user or 0, token)


def _hold_row(hold: Hold) -> dict:
    account = hold.account
    return {"request_id": hold.request_id, "user_id": account.user_id, "token_id": account.token_id,
            "token_unlimited": account.token_unlimited, "amount": hold.amount, "charged": 0,
            "channel_id": hold.channel_id, "deadline": hold.deadline, "created_at": int(time.time()),
            "detail": orjson.dumps(hold.detail).decode()}


def _settle_user(user_id: int, delta: int, charged: int) -> int | None:
    """Run the user's UPDATE and return the quota it left, from the same transaction's locked row."""
    params = {"p_user": user_id, "p_delta": delta, "p_charged": charged}
    if db.engine.dialect.update_returning:
        return db.session.execute(_SETTLE_USER_RETURNING, params).scalar()
    db.session.execute(_SETTLE_USER, params)  # MariaDB has no UPDATE … RETURNING; the row stays locked until commit
    return db.session.execute(_LOCKED_USER_QUOTA, {"p_user": user_id}).scalar()


_SQL_LEDGER = SqlLedger()


def current_ledger() -> Ledger:
    """The app's ledger: Redis-buffered when REDIS_CONN_STRING and BATCH_UPDATE_ENABLED are both set, else SQL."""
    from flask import current_app

    from app.cache import redis_client

    ledger = current_app.extensions.get("tollgate.ledger")
    if ledger is None:
        config, client = current_app.config["TOLLGATE"], redis_client()
        if config.batch_update_enabled and client is not None:
            from app.billing.ledger_redis import RedisLedger  # it imports this module, so not at the top

            ledger = RedisLedger(client, balance_ttl=config.sync_frequency)
        else:
            ledger = _SQL_LEDGER
        ledger = current_app.extensions.setdefault("tollgate.ledger", ledger)
    return ledger
