"""Alerts: telling root when the gateway switches a channel off or on, and a user when their quota runs low.

A request or a channel test only decides that an alert is due; delivery runs in the background. With Redis
it is a Celery task (``workers/alerts.py``) that any worker may run, enqueued by name because app/ never
imports workers/. Without Redis there is no worker, so a thread of this process runs the same delivery.
Task arguments are ids and plain texts only: the delivery itself reads addresses, the Message Pusher token
and the SMTP settings, so no secret ever sits in the broker.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

import requests
from flask import Flask, current_app
from sqlalchemy import select

from app.billing.credits import format_quota
from app.crypto import decrypt_secret
from app.extensions import db
from app.models import Channel, User
from app.models.user import ROLE_ROOT, USER_ENABLED
from app.notifications import EmailDeliveryError, email_configured, render, send_email
from app.options import current as current_options, server_address
from app.redaction import redact, redact_known

log = logging.getLogger(__name__)

CHANNEL_ALERT_TASK = "workers.alerts.send_channel_alert"
QUOTA_REMINDER_TASK = "workers.alerts.send_quota_reminder"
DISABLED, ENABLED = "disabled", "enabled"
PUSHER_TIMEOUT_SECONDS = 10


# -- deciding: called on the request path, cheap, never raising -----------------------------------------

def channel_disabled(channel_id: int, reason: str) -> None:
    dispatch(CHANNEL_ALERT_TASK, channel_id, DISABLED, redact_known(reason))  # no key in the broker either


def channel_enabled(channel_id: int) -> None:
    dispatch(CHANNEL_ALERT_TASK, channel_id, ENABLED, "its test passed")


def check_quota(user_id: int, before: int, after: int) -> None:
    """Remind the user when this charge took the balance from at least QuotaRemindThreshold to below it.

    Only the crossing mails, so a user below the threshold gets one reminder, not one per request; a top-up
    above it and a new fall make a new crossing. A threshold of 0 turns reminders off.
    """
    try:
        threshold = current_options().get_int("QuotaRemindThreshold")
    except Exception:  # the options could not be read (database outage): the charge stands, the mail is lost
        log.exception("Could not read QuotaRemindThreshold; no quota reminder for user %s", user_id)
        return
    if threshold > 0 and before >= threshold > after:
        dispatch(QUOTA_REMINDER_TASK, user_id, after)


def dispatch(task_name: str, *args) -> threading.Thread | None:
    """Run the delivery ``task_name`` in the background: on a Celery worker with Redis, else on a thread here
    (returned, for callers that want to wait). Failing to enqueue is logged, never raised."""
    app = current_app._get_current_object()
    celery = app.extensions["celery"]
    try:
        if not celery.conf.task_always_eager:
            celery.send_task(task_name, args=args)
            return None
        # Eager mode (no broker): send_task would only queue into memory; nothing would ever run it.
        thread = threading.Thread(target=_deliver_in_background, args=(app, task_name, args),
                                  name=f"alert-{task_name.rpartition('.')[2]}", daemon=True)
        thread.start()
        return thread
    except Exception:
        log.exception("Could not dispatch the alert %s%r", task_name, args)
        return None


def _deliver_in_background(app: Flask, task_name: str, args: tuple) -> None:
    try:
        with app.app_context():
            DELIVERIES[task_name](*args)
    except Exception:
        log.exception("Delivering the alert %s%r failed", task_name, args)


# -- delivering: run by the Celery task or the background thread ----------------------------------------

def deliver_channel_alert(channel_id: int, event: str, reason: str) -> None:
    row = db.session.execute(select(Channel.name, Channel.key).where(Channel.id == channel_id)).first()
    db.session.commit()
    name, key = (row.name or "", decrypt_secret(row.key)) if row else ("", "")
    label = f"{name} (#{channel_id})" if name else f"#{channel_id}"
    # This process (a Celery worker, say) may never have loaded the channel, so its key is looked up here.
    reason = redact(reason, key).strip().rstrip(".")
    if event == DISABLED:
        title = f"Channel {label} was disabled"
        text = f"Channel {label} was disabled automatically: {reason}."
    else:
        title = f"Channel {label} was enabled again"
        text = f"Channel {label} was enabled again automatically: {reason}."
    notify_root(title, text)


def deliver_quota_reminder(user_id: int, quota: int) -> None:
    email = db.session.execute(select(User.email).where(User.id == user_id)).scalar()
    db.session.commit()
    if not email:
        return
    options = current_options()
    base = server_address()
    subject = f"{options.get('SystemName')} quota reminder"
    body = render([
        f"Your quota is running low: {format_quota(quota, options)} left, below the reminder threshold of "
        f"{format_quota(options.get_int('QuotaRemindThreshold'), options)}.",
        "Top up to keep your requests going:"], link=f"{base}/topup")
    _send_email(email, subject, body)


DELIVERIES: dict[str, Callable[..., None]] = {
    CHANNEL_ALERT_TASK: deliver_channel_alert,
    QUOTA_REMINDER_TASK: deliver_quota_reminder,
}


def notify_root(title: str, text: str) -> None:
    """Push to Message Pusher when its address is set, and email every enabled root account with an address."""
    title, text = redact_known(title), redact_known(text)
    _push_message(title, text)
    emails = db.session.execute(
        select(User.email).where(User.role >= ROLE_ROOT, User.status == USER_ENABLED, User.email != "")
        .order_by(User.id)).scalars().all()
    db.session.commit()
    for email in filter(None, emails):
        _send_email(email, title, render([text]))


def _push_message(title: str, text: str) -> None:
    """POST One API's Message Pusher body; a failure is logged, and the email goes out regardless."""
    options = current_options()
    address = options.get("MessagePusherAddress").strip()
    if not address:
        return
    body = {"title": title, "description": text, "content": text, "token": options.get("MessagePusherToken")}
    try:
        reply = requests.post(address, json=body, timeout=PUSHER_TIMEOUT_SECONDS)
        reply.raise_for_status()
        answer = reply.json() if reply.content else {}
    except (requests.RequestException, ValueError) as exc:
        log.warning("Message Pusher did not take the alert %r: %r", title, exc)
        return
    if isinstance(answer, dict) and answer.get("success") is False:
        log.warning("Message Pusher refused the alert %r: %s", title, answer.get("message"))


def _send_email(to: str, subject: str, html_body: str) -> None:
    if not email_configured():
        log.info("Not emailing %r: SMTP is not configured", subject)
        return
    try:
        send_email(to, subject, html_body)
    except EmailDeliveryError as exc:
        log.warning("Could not email %r: %s", subject, exc.message)

