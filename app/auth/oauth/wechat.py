"""WeChat sign-in through a WeChat Server (the official-account helper), which turns a verification code into an id.

https://github.com/songquanpeng/wechat-server
"""

from __future__ import annotations

from app.auth import oauth
from app.auth.oauth import Identity, Provider, ProviderError
from app.errors import AppError
from app.options import current as current_options

LABEL = "WeChat"


def exchange_code(code: str) -> str:
    """The WeChat account id the server holds for ``code``; it plays the access token's part."""
    options = current_options()
    address = options.get("WeChatServerAddress").rstrip("/")
    if not address:
        raise AppError("WeChat sign-in is not configured: WeChatServerAddress is empty.")
    reply = oauth.get_json(LABEL, f"{address}/api/wechat/user", params={"code": code},
                           headers={"Authorization": options.get("WeChatServerToken")})
    wechat_id = oauth.text(reply.get("data"))
    if reply.get("success") is not True or not wechat_id:
        raise ProviderError(f"{LABEL} refused the code: {oauth.text(reply.get('message'))[:100] or 'no reason given'}")
    return wechat_id


def fetch_identity(wechat_id: str) -> Identity:
    # The server has no profile to share: the id is all there is.
    return Identity(provider_id=wechat_id)


PROVIDER = Provider(name="wechat", label=LABEL, column="wechat_id", default_display_name="WeChat User",
                    is_enabled=lambda: current_options().get_bool("WeChatAuthEnabled"),
                    exchange_code=exchange_code, fetch_identity=fetch_identity)
