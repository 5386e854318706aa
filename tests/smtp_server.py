"""A real SMTP server (aiosmtpd) on loopback for tests: plain, STARTTLS or implicit TLS, with a throwaway CA."""

from __future__ import annotations

import datetime
import ipaddress
import re
import ssl
import tempfile
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.extensions import db
from app.models import Option
from app.options import current as current_options

SMTP_USER, SMTP_PASSWORD = "mailer@example.com", "smtp-secret"


class Inbox:
    """The aiosmtpd handler: keeps every accepted message, and whether it came over TLS after a login."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.deliveries: list[dict] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        encrypted = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self.deliveries.append({"tls": encrypted, "authenticated": bool(session.authenticated),
                                "recipients": list(envelope.rcpt_tos)})
        return "250 Message accepted"

    def last_html(self) -> str:
        assert self.messages, "no email was received"
        return self.messages[-1].get_content()


class _Controller(Controller):
    """aiosmtpd's controller, listening on a free port chosen by the system."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def _authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    accepted = (auth_data.login, auth_data.password) == (SMTP_USER.encode(), SMTP_PASSWORD.encode())
    return AuthResult(success=accepted)


@contextmanager
def smtp_server(mode: str = "plain", server_context: ssl.SSLContext | None = None):
    """Yield (controller, inbox). ``mode``: "plain", "starttls" (with AUTH after TLS) or "implicit"."""
    inbox = Inbox()
    options: dict = {"hostname": "127.0.0.1", "port": 0}
    if mode == "starttls":
        options.update(tls_context=server_context, authenticator=_authenticate)
    elif mode == "implicit":
        options.update(ssl_context=server_context, authenticator=_authenticate, auth_require_tls=False)
    controller = _Controller(inbox, **options)
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


class CertificateAuthority:
    """A CA made for one test, and a certificate it signed for 127.0.0.1 and localhost."""

    def __init__(self) -> None:
        now = datetime.datetime.now(datetime.timezone.utc)
        self._key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tollgate test CA")])
        self.certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                            .public_key(self._key.public_key()).serial_number(x509.random_serial_number())
                            .not_valid_before(now - datetime.timedelta(minutes=1))
                            .not_valid_after(now + datetime.timedelta(hours=1))
                            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                            .sign(self._key, hashes.SHA256()))
        self._server_key = ec.generate_private_key(ec.SECP256R1())
        self._server_certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(name).public_key(self._server_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1)).not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(self._key, hashes.SHA256()))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        with tempfile.TemporaryDirectory() as directory:
            cert, key = Path(directory, "cert.pem"), Path(directory, "key.pem")
            cert.write_bytes(self._server_certificate.public_bytes(serialization.Encoding.PEM))
            key.write_bytes(self._server_key.private_bytes(serialization.Encoding.PEM,
                                                           serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
            context.load_cert_chain(cert, key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts this CA (and nothing else)."""
        return ssl.create_default_context(cadata=self.certificate.public_bytes(serialization.Encoding.PEM).decode())


def configure_smtp(app, port: int, **extra: str) -> None:
    """Point the app's SMTP options at 127.0.0.1:``port``; ``extra`` sets more options."""
    values = {"SMTPServer": "127.0.0.1", "SMTPPort": str(port), "SMTPFrom": "noreply@tollgate.test", **extra}
    with app.app_context():
        for key, value in values.items():
            db.session.merge(Option(key=key, value=value))
        db.session.commit()
        current_options().reload()


def find(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in {text!r}"
    return match.group(1)
