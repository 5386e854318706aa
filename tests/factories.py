"""Test data: users, tokens and channels, written the way the application writes them."""

from __future__ import annotations

import itertools
import time

from app.auth.passwords import hash_password
from app.cache.channels import invalidate_channels
from app.channels.abilities import sync_abilities
from app.extensions import db
from app.models import Channel, Token, User
from app.models.channel import ChannelType
from app.models.token import NEVER_EXPIRES, new_token_key
from app.models.user import ROLE_COMMON, new_access_token, new_aff_code

_serial = itertools.count(1)
PASSWORD_HASH = hash_password("password123")
# Random-looking, as real keys are: the gateway masks any 8 characters of a channel's key in what it relays,
# so a key spelling English words ("sk-upstream-…") would mask those words in the mock's replies.
CHANNEL_KEY = "sk-4f0c9e1b7a3d52e86c0f9a1b3d5e7c92"


def make_user(*, quota: int = 10_000_000, group: str = "default", role: int = ROLE_COMMON,
              status: int = 1, username: str | None = None) -> User:
    user = User(username=username or f"user{next(_serial)}", password=PASSWORD_HASH, display_name="Test User",
                role=role, status=status, quota=quota, group=group, access_token=new_access_token(),
                aff_code=new_aff_code())
    db.session.add(user)
    db.session.commit()
    return user


def make_token(user: User, *, remain_quota: int = 10_000_000, unlimited: bool = False, models: str = "",
               subnet: str = "", expired_time: int = NEVER_EXPIRES, status: int = 1,
               name: str | None = None) -> tuple[Token, str]:
    """The token row and the key a client sends (``sk-…``)."""
    now = int(time.time())
    token = Token(user_id=user.id, key=new_token_key(), status=status, name=name or f"key{next(_serial)}",
                  created_time=now, accessed_time=now, expired_time=expired_time, remain_quota=remain_quota,
                  unlimited_quota=unlimited, models=models, subnet=subnet)
    db.session.add(token)
    db.session.commit()
    return token, f"sk-{token.key}"


def make_channel(base_url: str, *, type: int = ChannelType.OPENAI, key: str = CHANNEL_KEY,
                 models: str = "gpt-4o-mini", group: str = "default", priority: int = 0, weight: int = 0,
                 model_mapping: str = "", system_prompt: str = "", config: str = "", status: int = 1,
                 name: str | None = None, other: str = "") -> Channel:
    channel = Channel(type=type, key=key, status=status, name=name or f"channel{next(_serial)}", weight=weight,
                      created_time=int(time.time()), base_url=base_url, models=models, group=group,
                      model_mapping=model_mapping, priority=priority, config=config,
                      system_prompt=system_prompt or None, other=other)
    db.session.add(channel)
    db.session.flush()
    sync_abilities(channel)
    db.session.commit()
    invalidate_channels()
    return channel


def make_hold(account, amount: int, request_id: str = "", *, channel_id: int = 0, deadline: int | None = None):
    """A reservation's journal entry, as the relay hands it to the ledger (live for five minutes by default)."""
    from app.billing.ledger import Hold

    return Hold(request_id or f"request-{next(_serial)}", account, amount, channel_id,
                int(time.time()) + 300 if deadline is None else deadline, {})
