"""The quota ledger: atomic reserve, settle and refund on the user's and the token's balances.

Two backends implement one interface. The SQL backend (the embedded default) uses conditional
UPDATEs, so a balance can never be reserved twice, whatever the concurrency. A Redis backend for
many nodes, with batched flushes, implements the same interface.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass

from sqlalchemy import select, update

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


class SqlLedger(Ledger):
    def reserve(self, account: Account, amount: int) -> None:
        if amount <= 0:
            return
        try:
            if not account.token_unlimited and not self._take_from_token(account.token_id, amount):
                raise QuotaExhausted("token")
            taken = db.session.execute(
                update(User).where(User.id == account.user_id, User.quota >= amount)
                .values(quota=User.quota - amount)
            ).rowcount
            if not taken:
                raise QuotaExhausted("user")
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise

    def _take_from_token(self, token_id: int, amount: int) -> bool:
        return bool(db.session.execute(
            update(Token).where(Token.id == token_id, Token.remain_quota >= amount)
            .values(remain_quota=Token.remain_quota - amount, used_quota=Token.used_quota + amount,
                    accessed_time=int(time.time()))
        ).rowcount)

    # Every method locks rows in one order (token, user, channel), so concurrent calls cannot deadlock.
    def settle(self, settlement: Settlement) -> int | None:
        account, delta, charged = settlement.account, settlement.charged - settlement.reserved, settlement.charged
        try:
            token_values = {"used_quota": Token.used_quota + (charged if account.token_unlimited else delta),
                            "accessed_time": int(time.time())}
            if not account.token_unlimited:
                token_values["remain_quota"] = Token.remain_quota - delta
            db.session.execute(update(Token).where(Token.id == account.token_id).values(**token_values))
            balance = _update_user(update(User).where(User.id == account.user_id).values(
                quota=User.quota - delta, used_quota=User.used_quota + charged,
                request_count=User.request_count + 1), account.user_id)
            if charged:
                db.session.execute(update(Channel).where(Channel.id == settlement.channel_id)
                                   .values(used_quota=Channel.used_quota + charged))
            if settlement.log is not None:
                db.session.add(Log(**settlement.log))
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
                db.session.execute(update(Token).where(Token.id == account.token_id).values(
                    remain_quota=Token.remain_quota + amount, used_quota=Token.used_quota - amount))
            db.session.execute(update(User).where(User.id == account.user_id).values(quota=User.quota + amount))
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _update_user(statement, user_id: int) -> int | None:
    """Run the user's UPDATE and return the quota it left, from the same transaction's locked row."""
    if db.engine.dialect.update_returning:
        return db.session.execute(statement.returning(User.quota)).scalar()
    db.session.execute(statement)  # MariaDB has no UPDATE … RETURNING; the row stays locked until the commit
    return db.session.execute(select(User.quota).where(User.id == user_id).with_for_update()).scalar()


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
