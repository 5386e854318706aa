"""Alerts: channel switches mail root (and reach Message Pusher), low quota mails the user once per crossing,
delivered on a thread without Redis and by a real Celery worker with it, with no secret in any task."""

from __future__ import annotations

import base64
import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import redis as redis_lib
import requests
from sqlalchemy import select, update

from app import alerts
from app.billing import quota
from app.billing.credits import credit_user
from app.billing.ledger import Account, SqlLedger, current_ledger
from app.billing.ledger_redis import RedisLedger
from app.channels import health, testing
from app.extensions import db
from app.models import Channel, User
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED
from app.models.log import LOG_TOPUP
from app.models.user import ROLE_ROOT
from tests import factories
from tests.canaries import assert_no_canary, new_canary
from tests.conftest import build_app, dispose, set_options
from tests.relay.conftest import make_setup
from tests.smtp_server import SMTP_PASSWORD, configure_smtp, smtp_server
from tests.workers.cluster import running_celery_worker

ROOT_EMAIL = "root@tollgate.test"
USER_EMAIL = "alice@example.com"
CHANNEL_KEY = factories.CHANNEL_KEY


# -- helpers shared with tests/channels/test_metrics.py ---------------------------------------------------

def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


def give_root_email(app, email: str = ROOT_EMAIL) -> None:
    with app.app_context():
        db.session.execute(update(User).where(User.role == ROLE_ROOT).values(email=email))
        db.session.commit()


def queued_messages(redis_url: str) -> list[dict]:
    """The Celery messages waiting in the broker's default queue, oldest first: raw text, task name, args."""
    connection = redis_lib.Redis.from_url(redis_url)
    try:
        raw_messages = connection.lrange("celery", 0, -1)[::-1]  # kombu LPUSHes, workers pop from the right
    finally:
        connection.close()
    found = []
    for raw in raw_messages:
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        found.append({"raw": raw.decode(), "task": message["headers"]["task"], "args": args})
    return found


def queued(redis_url: str, task: str) -> list[list]:
    return [message["args"] for message in queued_messages(redis_url) if message["task"] == task]


@contextmanager
def message_pusher():
    """A local HTTP server answering as Message Pusher does; yields (address, received JSON bodies)."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "content_type": self.headers["Content-Type"],
                             "json": json.loads(body)})
            reply = b'{"success":true,"message":"ok"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/push/root", received
    finally:
        server.shutdown()
        server.server_close()


# -- channel alerts ---------------------------------------------------------------------------------------

def test_automatic_disable_and_enable_mail_root_once_each(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        give_root_email(app)
        with app.app_context():
            channel_id = factories.make_channel("http://127.0.0.1:9", name="primary").id
            assert health.disable_channel(channel_id, "the test took 9.00s")
            assert not health.disable_channel(channel_id, "again")  # already off: no switch, no second mail
            assert wait_for(lambda: len(inbox.messages) == 1)
            assert health.enable_channel(channel_id)
            assert not health.enable_channel(channel_id)
            assert wait_for(lambda: len(inbox.messages) == 2)
        time.sleep(0.3)
    disabled, enabled = inbox.messages
    assert (disabled["To"], disabled["Subject"]) == (ROOT_EMAIL, f"Channel primary (#{channel_id}) was disabled")
    assert "disabled automatically: the test took 9.00s." in disabled.get_content()
    assert (enabled["To"], enabled["Subject"]) == (ROOT_EMAIL, f"Channel primary (#{channel_id}) was enabled again")
    assert len(inbox.messages) == 2


def test_channel_tests_disable_a_dead_channel_and_enable_a_recovered_one(app, mock_upstream):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        give_root_email(app)
        set_options(app, AutomaticDisableChannelEnabled="true", AutomaticEnableChannelEnabled="true")
        with app.app_context():
            channel_id = factories.make_channel(mock_upstream.url, name="tested").id
            mock_upstream.behaviour.status, mock_upstream.behaviour.error_code = 401, "invalid_api_key"
            testing.test_channels([channel_id])
            assert db.session.get(Channel, channel_id).status == CHANNEL_AUTO_DISABLED
            assert wait_for(lambda: len(inbox.messages) == 1)
            mock_upstream.reset()
            testing.test_channels([channel_id])
            db.session.expire_all()
            assert db.session.get(Channel, channel_id).status == CHANNEL_ENABLED
            assert wait_for(lambda: len(inbox.messages) == 2)
    subjects = [message["Subject"] for message in inbox.messages]
    assert subjects == [f"Channel tested (#{channel_id}) was disabled",
                        f"Channel tested (#{channel_id}) was enabled again"]
    assert "Incorrect API key provided" in inbox.messages[0].get_content()


def test_message_pusher_receives_the_alert_as_json(app):
    with message_pusher() as (address, received), smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        give_root_email(app)
        set_options(app, MessagePusherAddress=address, MessagePusherToken="pusher-token")
        with app.app_context():
            channel_id = factories.make_channel("http://127.0.0.1:9", name="pushed").id
            assert health.disable_channel(channel_id, "no credit left")
            assert wait_for(lambda: received and inbox.messages)
    (push,) = received
    assert push["path"] == "/push/root" and push["content_type"] == "application/json"
    text = f"Channel pushed (#{channel_id}) was disabled automatically: no credit left."
    assert push["json"] == {"title": f"Channel pushed (#{channel_id}) was disabled", "description": text,
                            "content": text, "token": "pusher-token"}
    assert inbox.messages[0]["To"] == ROOT_EMAIL  # the pusher does not replace the email


def test_an_unreachable_pusher_and_missing_smtp_do_not_break_a_disable(app):
    set_options(app, MessagePusherAddress="http://127.0.0.1:9/push")
    give_root_email(app)
    with app.app_context():
        channel_id = factories.make_channel("http://127.0.0.1:9").id
        thread = alerts.dispatch(alerts.CHANNEL_ALERT_TASK, channel_id, alerts.DISABLED, "reason")
        thread.join(15)
        assert not thread.is_alive()
        assert health.disable_channel(channel_id, "reason")


@pytest.mark.parametrize("caller", ["relay", "channel test"])
def test_alerts_carry_no_trace_of_a_key_the_upstream_quotes(app, live_server, mock_upstream, caller):
    canary = new_canary()
    with message_pusher() as (address, received), smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        give_root_email(app)
        set_options(app, MessagePusherAddress=address, AutomaticDisableChannelEnabled="true")
        setup = make_setup(app, live_server.url, mock_upstream.url, key=canary)
        mock_upstream.behaviour.echo_key, mock_upstream.behaviour.status = True, 401
        if caller == "relay":
            requests.post(f"{setup.url}/v1/chat/completions", headers={"Authorization": f"Bearer {setup.key}"},
                          json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}, timeout=30)
        else:
            with app.app_context():
                testing.test_channels([setup.channel_id])
        assert wait_for(lambda: received and inbox.messages)
    (mail,), (push,) = inbox.messages, received
    assert "[redacted]" in mail.get_content() and "[redacted]" in push["json"]["content"]  # it was quoted
    assert_no_canary(canary, mail["Subject"], mail.get_content(), json.dumps(push))


# -- quota reminders --------------------------------------------------------------------------------------

def make_payer(app, *, quota_left: int, email: str | None = USER_EMAIL) -> tuple[Account, int]:
    with app.app_context():
        user = factories.make_user(quota=quota_left)
        user.email = email
        db.session.commit()
        token, _key = factories.make_token(user, unlimited=True)
        channel_id = factories.make_channel("http://127.0.0.1:9").id
        account = Account(user.id, token.id, True)
        db.session.remove()
    return account, channel_id


def charge(app, account: Account, channel_id: int, *, reserved: int, charged: int) -> None:
    with app.app_context():
        reservation = quota.reserve(f"req-{time.monotonic_ns()}", account, reserved)
        quota.settle(reservation, channel_id, charged, None)


def top_up(app, account: Account, amount: int) -> None:
    with app.app_context():
        credit_user(account.user_id, amount, log_type=LOG_TOPUP, content="top-up")


def user_quota(app, account: Account) -> int:
    with app.app_context():
        value = db.session.execute(select(User.quota).where(User.id == account.user_id)).scalar()
        db.session.remove()
    return value


def test_quota_reminder_mails_once_per_crossing_on_the_sql_ledger(app_on):
    """On SQLite and PostgreSQL (UPDATE … RETURNING) and MariaDB (a locked read in the same transaction)."""
    with smtp_server() as (server, inbox):
        configure_smtp(app_on, server.port)
        set_options(app_on, QuotaRemindThreshold="1000", DisplayInCurrencyEnabled="false")
        account, channel_id = make_payer(app_on, quota_left=1500)
        with app_on.app_context():
            assert isinstance(current_ledger(), SqlLedger)
        charge(app_on, account, channel_id, reserved=300, charged=200)  # 1500 → 1300: still above
        charge(app_on, account, channel_id, reserved=200, charged=400)  # 1300 → 900: the crossing
        assert wait_for(lambda: len(inbox.messages) == 1)
        charge(app_on, account, channel_id, reserved=500, charged=100)  # 900 → 800: below already, no mail
        top_up(app_on, account, 1200)  # 2000
        charge(app_on, account, channel_id, reserved=1500, charged=1000)  # 2000 → 1000: at, not below
        charge(app_on, account, channel_id, reserved=10, charged=1)  # 1000 → 999: the second crossing
        assert wait_for(lambda: len(inbox.messages) == 2)
        time.sleep(0.3)
    assert user_quota(app_on, account) == 999 and len(inbox.messages) == 2
    first, second = inbox.messages
    assert (first["To"], first["Subject"]) == (USER_EMAIL, "Tollgate quota reminder")
    assert "900 quota left, below the reminder threshold of 1000 quota" in first.get_content()
    assert "http://localhost:3000/topup" in first.get_content()
    assert "999 quota left" in second.get_content()


def test_a_user_without_an_email_gets_no_reminder(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        account, channel_id = make_payer(app, quota_left=1500, email="")
        with app.app_context():
            thread = alerts.dispatch(alerts.QUOTA_REMINDER_TASK, account.user_id, 900)
        thread.join(10)
        charge(app, account, channel_id, reserved=600, charged=600)  # crosses 1000 (the default threshold)
        time.sleep(0.3)
    assert inbox.messages == []


def test_a_zero_threshold_turns_reminders_off(app, monkeypatch):
    sent = []
    monkeypatch.setattr(alerts, "dispatch", lambda *args: sent.append(args))
    set_options(app, QuotaRemindThreshold="0")
    account, channel_id = make_payer(app, quota_left=100)
    charge(app, account, channel_id, reserved=50, charged=200)  # 100 → -100
    assert sent == []


@pytest.fixture
def redis_app(tmp_path, redis_url):
    """Redis ledger and a real broker; no worker runs, so the queued tasks stay in Redis to be read."""
    application = build_app({"SQLITE_PATH": str(tmp_path / "tollgate.db"), "REDIS_CONN_STRING": redis_url,
                             "BATCH_UPDATE_ENABLED": "true"})
    yield application
    dispose(application)


def test_quota_reminder_is_enqueued_once_per_crossing_on_the_redis_ledger(redis_app, redis_url):
    set_options(redis_app, QuotaRemindThreshold="1000")
    account, channel_id = make_payer(redis_app, quota_left=1500)
    with redis_app.app_context():
        assert isinstance(current_ledger(), RedisLedger)
        assert not redis_app.extensions["celery"].conf.task_always_eager
    charge(redis_app, account, channel_id, reserved=300, charged=200)  # 1300
    assert queued(redis_url, alerts.QUOTA_REMINDER_TASK) == []
    charge(redis_app, account, channel_id, reserved=200, charged=400)  # 900: the crossing
    charge(redis_app, account, channel_id, reserved=500, charged=100)  # 800
    assert queued(redis_url, alerts.QUOTA_REMINDER_TASK) == [[account.user_id, 900]]
    top_up(redis_app, account, 1200)  # 2000, in the database; the ledger reloads the balance
    charge(redis_app, account, channel_id, reserved=1500, charged=1100)  # 900 again: the second crossing
    charge(redis_app, account, channel_id, reserved=10, charged=10)  # 890
    assert queued(redis_url, alerts.QUOTA_REMINDER_TASK) == [[account.user_id, 900], [account.user_id, 900]]


def test_task_arguments_carry_no_address_key_or_secret(redis_app, redis_url):
    configure_smtp(redis_app, 2525, SMTPAccount="mailer@example.com", SMTPToken=SMTP_PASSWORD)
    set_options(redis_app, MessagePusherAddress="http://127.0.0.1:9/push", MessagePusherToken="pusher-secret")
    give_root_email(redis_app)
    account, channel_id = make_payer(redis_app, quota_left=1500)
    with redis_app.app_context():
        assert health.disable_channel(channel_id, "only 0% of its last 10 requests succeeded")
        assert health.enable_channel(channel_id)
    charge(redis_app, account, channel_id, reserved=600, charged=600)
    messages = queued_messages(redis_url)
    assert [(message["task"], message["args"]) for message in messages] == [
        (alerts.CHANNEL_ALERT_TASK, [channel_id, "disabled", "only 0% of its last 10 requests succeeded"]),
        (alerts.CHANNEL_ALERT_TASK, [channel_id, "enabled", "its test passed"]),
        (alerts.QUOTA_REMINDER_TASK, [account.user_id, 900]),
    ]
    for message in messages:
        for secret in (ROOT_EMAIL, USER_EMAIL, CHANNEL_KEY, SMTP_PASSWORD, "mailer@example.com", "pusher-secret"):
            assert secret not in message["raw"]


# -- a real worker ----------------------------------------------------------------------------------------

@pytest.fixture
def worker(tmp_path, redis_url):
    settings = {"SQL_DSN": "", "LOG_SQL_DSN": "", "SQLITE_PATH": str(tmp_path / "tollgate.db"),
                "REDIS_CONN_STRING": redis_url, "SESSION_SECRET": "test-secret"}
    with running_celery_worker(settings, tmp_path) as process:
        yield settings, process


def test_a_real_worker_delivers_the_alerts(worker):
    settings, process = worker
    app = build_app(settings)  # migrates the SQLite file the worker reads too
    try:
        with smtp_server() as (server, inbox):
            configure_smtp(app, server.port)
            give_root_email(app)
            set_options(app, QuotaRemindThreshold="1000")
            account, channel_id = make_payer(app, quota_left=1500)
            with app.app_context():
                assert health.disable_channel(channel_id, "its balance is 0")
            charge(app, account, channel_id, reserved=600, charged=600)
            assert wait_for(lambda: len(inbox.messages) == 2 or process.poll() is not None, timeout=30)
            assert process.poll() is None, "the worker exited"
        recipients = sorted((message["To"], message["Subject"]) for message in inbox.messages)
        assert recipients == [(USER_EMAIL, "Tollgate quota reminder"),
                              (ROOT_EMAIL, f"Channel {_channel_name(app, channel_id)} (#{channel_id}) was disabled")]
    finally:
        dispose(app)


def _channel_name(app, channel_id: int) -> str:
    with app.app_context():
        name = db.session.get(Channel, channel_id).name
        db.session.remove()
    return name
