"""Email delivery against a real SMTP server: plain, STARTTLS and implicit TLS, with certificates verified."""

from __future__ import annotations

import socket

import pytest

from app import notifications
from app.notifications import EmailDeliveryError, render, send_email, send_email_task
from tests.smtp_server import SMTP_PASSWORD, SMTP_USER, CertificateAuthority, configure_smtp, smtp_server

CREDENTIALS = {"SMTPAccount": SMTP_USER, "SMTPToken": SMTP_PASSWORD}


@pytest.fixture
def authority():
    return CertificateAuthority()


def test_plain_delivery_carries_the_headers_and_html(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port, SystemName="Tollgate")
        with app.app_context():
            send_email("alice@example.com", "Vérification — code", render(["Your code: <b>X</b>"]))
    message = inbox.messages[0]
    assert (message["From"], message["To"], message["Subject"]) == \
        ("noreply@tollgate.test", "alice@example.com", "Vérification — code")
    assert message["Message-ID"].endswith("@tollgate.test>") and message["Date"]
    assert message.get_content_type() == "text/html"
    assert "Your code: &lt;b&gt;X&lt;/b&gt;" in message.get_content()


def test_sender_falls_back_to_the_smtp_account(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port, SMTPFrom="", SMTPAccount="account@tollgate.test")
        with app.app_context():
            send_email("alice@example.com", "Hi", render(["Hello"]))
    assert inbox.messages[0]["From"] == "account@tollgate.test"


def test_render_escapes_the_link():
    body = render(["Reset"], link='https://x.test/r?a=1&b="2"')
    assert '<a href="https://x.test/r?a=1&amp;b=&quot;2&quot;">' in body


def test_starttls_with_a_trusted_certificate_logs_in_over_tls(app, authority):
    with smtp_server("starttls", authority.server_context()) as (server, inbox):
        configure_smtp(app, server.port, **CREDENTIALS)
        with app.app_context():
            send_email("alice@example.com", "Hi", render(["Hello"]), ssl_context=authority.client_context())
    assert inbox.deliveries == [{"tls": True, "authenticated": True, "recipients": ["alice@example.com"]}]


def test_starttls_refuses_an_untrusted_certificate(app, authority):
    with smtp_server("starttls", authority.server_context()) as (server, inbox):
        configure_smtp(app, server.port, **CREDENTIALS)
        with app.app_context(), pytest.raises(EmailDeliveryError, match="certificate could not be verified"):
            send_email("alice@example.com", "Hi", render(["Hello"]))
    assert inbox.messages == []


def test_implicit_tls_verifies_the_certificate(app, authority, monkeypatch):
    with smtp_server("implicit", authority.server_context()) as (server, inbox):
        monkeypatch.setattr(notifications, "IMPLICIT_TLS_PORT", server.port)  # stands in for 465
        configure_smtp(app, server.port, **CREDENTIALS)
        with app.app_context():
            with pytest.raises(EmailDeliveryError, match="certificate could not be verified"):
                send_email("alice@example.com", "Hi", render(["Hello"]))
            assert inbox.messages == []
            send_email("alice@example.com", "Hi", render(["Hello"]), ssl_context=authority.client_context())
    assert inbox.deliveries == [{"tls": True, "authenticated": True, "recipients": ["alice@example.com"]}]


def test_submission_port_requires_starttls(app, monkeypatch):
    with smtp_server() as (server, inbox):
        monkeypatch.setattr(notifications, "SUBMISSION_PORT", server.port)  # stands in for 587
        configure_smtp(app, server.port)
        with app.app_context(), pytest.raises(EmailDeliveryError, match="does not offer STARTTLS"):
            send_email("alice@example.com", "Hi", render(["Hello"]))
    assert inbox.messages == []


def test_password_is_never_sent_over_a_plain_connection(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port, **CREDENTIALS)
        with app.app_context(), pytest.raises(EmailDeliveryError, match="only sent over TLS"):
            send_email("alice@example.com", "Hi", render(["Hello"]))
    assert inbox.messages == []


def test_unreachable_server_is_a_clear_error(app):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # bound but not listening: connections are refused
        configure_smtp(app, port)
        with app.app_context(), pytest.raises(EmailDeliveryError, match="could not be reached"):
            send_email("alice@example.com", "Hi", render(["Hello"]))


def test_missing_smtp_settings_are_a_clear_error(app):
    with app.app_context(), pytest.raises(EmailDeliveryError, match="not set up SMTP"):
        send_email("alice@example.com", "Hi", render(["Hello"]))


def test_the_celery_task_delivers_in_process_without_redis(app):
    with smtp_server() as (server, inbox):
        configure_smtp(app, server.port)
        with app.app_context():
            send_email_task.delay("alice@example.com", "Queued", render(["Hello"]))
    assert [message["Subject"] for message in inbox.messages] == ["Queued"]
