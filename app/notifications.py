"""Outgoing email: rendering the HTML body and delivering it over SMTP with verified TLS.

The transport follows the port, as mail providers document it:
- 465: implicit TLS from the first byte (SMTPS).
- 587: STARTTLS is required; a server that does not offer it is refused.
- 25 and any other port: STARTTLS when the server offers it, otherwise a plain connection; the
  password (SMTPToken) is never sent over a plain connection.
TLS always verifies the server's certificate and host name (One API skips that on 465).
"""

from __future__ import annotations

import html
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from celery import shared_task

from app.errors import AppError
from app.options import current as current_options

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 15
IMPLICIT_TLS_PORT, SUBMISSION_PORT = 465, 587


class EmailDeliveryError(AppError):
    """The email could not be handed to the mail server; the message says why, without server details."""


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    account: str
    password: str
    sender: str

    @property
    def is_complete(self) -> bool:
        return bool(self.server and self.sender)


def smtp_settings() -> SmtpSettings:
    options = current_options()
    account = options.get("SMTPAccount")
    return SmtpSettings(server=options.get("SMTPServer"), port=options.get_int("SMTPPort"), account=account,
                        password=options.get("SMTPToken"), sender=options.get("SMTPFrom") or account)


def email_configured() -> bool:
    return smtp_settings().is_complete


def render(paragraphs: list[str], *, link: str | None = None) -> str:
    """A minimal HTML body: the paragraphs (escaped), then ``link`` as a clickable address."""
    parts = [f"<p>{html.escape(text)}</p>" for text in paragraphs]
    if link is not None:
        address = html.escape(link, quote=True)
        parts.append(f'<p><a href="{address}">{address}</a></p>')
    return "<html><body>" + "".join(parts) + "</body></html>"


def send_email(to: str, subject: str, html_body: str, *, ssl_context: ssl.SSLContext | None = None) -> None:
    """Deliver one message now. ``ssl_context`` defaults to the system trust store; tests pass their own CA."""
    settings = smtp_settings()
    if not settings.is_complete:
        raise EmailDeliveryError("Email is not configured: the administrator has not set up SMTP.")
    message = _compose(settings.sender, to, subject, html_body)
    try:
        context = ssl_context or ssl.create_default_context()
        with _connect(settings, context) as smtp:
            encrypted = settings.port == IMPLICIT_TLS_PORT or _start_tls(smtp, settings.port, context)
            _log_in(smtp, settings, encrypted)
            smtp.send_message(message)
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        log.warning("Sending email to %s through %s:%s failed: %r", to, settings.server, settings.port, exc)
        raise EmailDeliveryError(f"Could not send the email: {_reason(exc)}.") from exc


@shared_task(name="notifications.send_email")
def send_email_task(to: str, subject: str, html_body: str) -> None:
    """The same delivery as a Celery task, for senders that need not wait (runs in-process without Redis)."""
    send_email(to, subject, html_body)


def _compose(sender: str, to: str, subject: str, html_body: str) -> EmailMessage:
    message = EmailMessage()  # the default policy refuses CR/LF in headers, so no header injection
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(html_body, subtype="html")
    return message


def _connect(settings: SmtpSettings, context: ssl.SSLContext) -> smtplib.SMTP:
    if settings.port == IMPLICIT_TLS_PORT:
        return smtplib.SMTP_SSL(settings.server, settings.port, timeout=SMTP_TIMEOUT_SECONDS, context=context)
    return smtplib.SMTP(settings.server, settings.port, timeout=SMTP_TIMEOUT_SECONDS)


def _log_in(smtp: smtplib.SMTP, settings: SmtpSettings, encrypted: bool) -> None:
    if not settings.password:
        return
    if not encrypted:
        raise smtplib.SMTPNotSupportedError("the server offers no TLS, and the password is only sent over TLS")
    smtp.login(settings.account, settings.password)


def _start_tls(smtp: smtplib.SMTP, port: int, context: ssl.SSLContext) -> bool:
    """Upgrade to TLS when offered (required on 587); True when the connection is now encrypted."""
    smtp.ehlo()
    if smtp.has_extn("starttls"):
        smtp.starttls(context=context)
        smtp.ehlo()
        return True
    if port == SUBMISSION_PORT:
        raise smtplib.SMTPNotSupportedError("the server on port 587 does not offer STARTTLS")
    return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "the mail server's TLS certificate could not be verified"
    if isinstance(exc, ssl.SSLError):
        return "the TLS handshake with the mail server failed"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "the mail server rejected the SMTP account or password"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return str(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the mail server refused the recipient address"
    if isinstance(exc, smtplib.SMTPException):
        return "the mail server refused the message"
    return "the mail server could not be reached"
