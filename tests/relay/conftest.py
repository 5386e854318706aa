"""Relay fixtures: a live gateway, a mock upstream channel, and a user with a key."""

from __future__ import annotations

from dataclasses import dataclass

import openai
import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Channel, Log, Token, User
from tests import factories
from tests.conftest import LiveServer, build_app, dispose


@dataclass
class RelaySetup:
    app: object
    url: str  # the gateway's base URL, without /v1
    key: str  # the client's "sk-…" key
    user_id: int
    token_id: int
    channel_id: int

    def client(self, **kwargs) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=self.key, max_retries=0, **kwargs)

    def async_client(self, **kwargs) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(base_url=f"{self.url}/v1", api_key=self.key, max_retries=0, **kwargs)

    def balances(self) -> dict:
        """Quota figures straight from the database."""
        with self.app.app_context():
            user = db.session.get(User, self.user_id)
            token = db.session.get(Token, self.token_id)
            logs = db.session.execute(select(func.count(Log.id), func.coalesce(func.sum(Log.quota), 0))
                                      .where(Log.type == 2)).one()
            channels = db.session.execute(select(func.coalesce(func.sum(Channel.used_quota), 0))).scalar()
            db.session.commit()
            return {"user_quota": user.quota, "user_used": user.used_quota, "requests": user.request_count,
                    "token_remain": token.remain_quota, "token_used": token.used_quota,
                    "log_count": logs[0], "log_quota": int(logs[1]), "channel_used": int(channels)}

    def logs(self) -> list[Log]:
        with self.app.app_context():
            rows = db.session.execute(select(Log).where(Log.type == 2).order_by(Log.id)).scalars().all()
            db.session.expunge_all()
            return rows


def make_setup(app, url: str, upstream_url: str, *, user_quota=10_000_000, token_quota=10_000_000,
               unlimited=False, models="gpt-4o-mini,text-embedding-3-small,dall-e-3,tts-1,whisper-1,"
               "text-moderation-latest,gpt-3.5-turbo-instruct", **channel) -> RelaySetup:
    with app.app_context():
        user = factories.make_user(quota=user_quota)
        token, key = factories.make_token(user, remain_quota=token_quota, unlimited=unlimited)
        row = factories.make_channel(upstream_url, models=models, **channel)
        return RelaySetup(app, url, key, user.id, token.id, row.id)


@pytest.fixture
def relay(app, live_server, mock_upstream) -> RelaySetup:
    """The embedded gateway with one OpenAI channel on the mock upstream and a funded user."""
    return make_setup(app, live_server.url, mock_upstream.url)


@pytest.fixture(scope="module")
def gateway(request, tmp_path_factory, mock_upstream_server):
    """One gateway per test module, for checks that only add users and keys or must leave no trace;
    tests compare before and after themselves. Tests that add channels use the per-test ``relay``."""
    application = build_app({"SQLITE_PATH": str(tmp_path_factory.mktemp(request.module.__name__) / "t.db")})
    with LiveServer(application) as server:
        yield make_setup(application, server.url, mock_upstream_server.url)
    dispose(application)


@pytest.fixture
def quiet(gateway, mock_upstream):
    """The module's shared gateway, with the mock reset: no knobs set, no requests recorded."""
    return gateway


def assert_openai_error(response: requests.Response, status: int, code: str | None = None) -> dict:
    """The relay's error contract: the status, OpenAI's shape, and the request id in message and header."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    error = response.json()["error"]
    assert {"message", "type", "code", "param"} <= set(error), error
    assert isinstance(error["message"], str) and isinstance(error["type"], str) and error["type"]
    request_id = response.headers["X-Oneapi-Request-Id"]
    assert request_id and error["message"].endswith(f" (request id: {request_id})"), error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error
