"""Runtime settings stored in the options table and edited by root; cached in process.

*Config* (app.config) is fixed at boot from the environment; *options* change while running.
Values are strings, as in One API; typed accessors parse them.
"""

from __future__ import annotations

from threading import Lock

from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Option

DEFAULTS: dict[str, str] = {
    "PasswordLoginEnabled": "true",
    "PasswordRegisterEnabled": "true",
    "EmailVerificationEnabled": "false",
    "GitHubOAuthEnabled": "false",
    "OidcEnabled": "false",
    "WeChatAuthEnabled": "false",
    "TurnstileCheckEnabled": "false",
    "RegisterEnabled": "true",
    "EmailDomainRestrictionEnabled": "false",
    "EmailDomainWhitelist": "gmail.com,163.com,126.com,qq.com,outlook.com,hotmail.com,icloud.com,yahoo.com,foxmail.com",
    "AutomaticDisableChannelEnabled": "false",
    "AutomaticEnableChannelEnabled": "false",
    "ApproximateTokenEnabled": "false",
    "LogConsumeEnabled": "true",
    "DisplayInCurrencyEnabled": "true",
    "DisplayTokenStatEnabled": "true",
    "ChannelDisableThreshold": "5",
    "QuotaRemindThreshold": "1000",
    "PreConsumedQuota": "500",
    "QuotaForNewUser": "0",
    "QuotaForInviter": "0",
    "QuotaForInvitee": "0",
    "GroupRatio": '{"default":1,"vip":1,"svip":1}',
    "QuotaPerUnit": "500000",
    "RetryTimes": "0",
    "TopUpLink": "",
    "ChatLink": "",
    "Theme": "default",
    "SystemName": "Tollgate",
    "Logo": "",
    "Footer": "",
    "Notice": "",
    "About": "",
    "HomePageContent": "",
    "ServerAddress": "",
    "SMTPServer": "",
    "SMTPPort": "587",
    "SMTPAccount": "",
    "SMTPFrom": "",
    "SMTPToken": "",
    "GitHubClientId": "",
    "GitHubClientSecret": "",
    "LarkClientId": "",
    "LarkClientSecret": "",
    "OidcClientId": "",
    "OidcClientSecret": "",
    "OidcWellKnown": "",
    "OidcAuthorizationEndpoint": "",
    "OidcTokenEndpoint": "",
    "OidcUserinfoEndpoint": "",
    "WeChatServerAddress": "",
    "WeChatServerToken": "",
    "WeChatAccountQRCodeImageURL": "",
    "MessagePusherAddress": "",
    "MessagePusherToken": "",
    "TurnstileSiteKey": "",
    "TurnstileSecretKey": "",
}


class Options:
    """An in-process snapshot of the options table over the built-in defaults."""

    def __init__(self) -> None:
        self._values: dict[str, str] = dict(DEFAULTS)
        self._lock = Lock()
        self.loaded = False

    def reload(self) -> None:
        """Re-read every row; rows win over defaults. Needs an application context."""
        rows = db.session.execute(select(Option.key, Option.value)).all()
        db.session.commit()  # end the read at once; a request must not hold a connection for it
        with self._lock:
            self._values = {**DEFAULTS, **{key: value or "" for key, value in rows}}
            self.loaded = True

    def get(self, key: str) -> str:
        return self._values.get(key, "")

    def get_bool(self, key: str) -> bool:
        return self.get(key).strip().lower() == "true"

    def get_int(self, key: str) -> int:
        try:
            return int(float(self.get(key)))
        except ValueError:
            return int(float(DEFAULTS.get(key, "0") or 0))

    def get_float(self, key: str) -> float:
        try:
            return float(self.get(key))
        except ValueError:
            return float(DEFAULTS.get(key, "0") or 0)


def init_app(app: Flask) -> None:
    app.extensions["tollgate.options"] = Options()


def current() -> Options:
    """The app's options, read from the database on first use."""
    store = current_app.extensions["tollgate.options"]
    if not store.loaded:
        store.reload()
    return store
