"""The quota ledger: atomic reserve, settle and refund on the user's and the token's balances.

Two backends implement one interface. The SQL backend (the embedded default) uses conditional
UPDATEs, so a balance can never be reserved twice, whatever the concurrency. A Redis backend for
many nodes, with batched flushes, implements the same interface.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from sqlalchemy import BigInteger, bindparam, insert, select, update

from app.extensions import db
from app.models import Channel, Log, Token, User


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
class Settlement:
    account: Account
    channel_id: int
    reserved: int
    charged: int
    log: dict | None  # a logs row, or None when consume logs are off


class Ledger(ABC):
    @abstractmethod
    def reserve(self, account: Account, amount: int) -> None:
        """Take ``amount`` from both balances, or nothing at all (raising QuotaExhausted)."""

    @abstractmethod
    def settle(self, settlement: Settlement) -> int | None:
        """Turn a reservation into the final charge, count the call, and write its log row.

        Returns the user's balance right after, read in the same atomic step, or None when the backend
        does not hold it at that moment (the quota reminder then stays silent).
        """

    @abstractmethod
    def refund(self, account: Account, amount: int) -> None:
        """Give a reservation back in full."""


_tokens, _users, _channels, _logs = Token.__table__, User.__table__, Channel.__table__, Log.__table__


def _param(name: str):
    return bindparam(name, type_=BigInteger)


# Built once: constructing these expressions cost more CPU per request than running them on SQLite.
# Every statement locks rows in one order (token, user, channel), so concurrent calls cannot deadlock.
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


class SqlLedger(Ledger):
    def reserve(self, account: Account, amount: int) -> None:
        if amount <= 0:
            return
        try:
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
        account, delta, charged = settlement.account, settlement.charged - settlement.reserved, settlement.charged
        try:
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

    def refund(self, account: Account, amount: int) -> None:
        if amount <= 0:
            return
        try:
            if not account.token_unlimited:
                db.session.execute(_REFUND_TOKEN, {"p_token": account.token_id, "p_amount": amount})
            db.session.execute(_REFUND_USER, {"p_user": account.user_id, "p_amount": amount})
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


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
