"""First-start data: the root account and the optional initial relay token."""

from __future__ import annotations

import logging
import secrets
import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import hash_password
from app.config import Config
from app.extensions import db
from app.models import Token, User
from app.models.token import NEVER_EXPIRES, TOKEN_ENABLED
from app.models.user import ROLE_ROOT, USER_ENABLED, new_access_token, new_aff_code

log = logging.getLogger(__name__)

ROOT_QUOTA = 500_000_000_000_000  # One API's grant to root: effectively unlimited


def ensure_root_account(config: Config) -> bool:
    """Create root (and its initial token) when the users table is empty. Returns True if created."""
    if db.session.execute(select(User.id).limit(1)).first() is not None:
        return False
    password = config.initial_root_password or secrets.token_urlsafe(12)
    root = User(
        username="root", password=hash_password(password), display_name="Root User",
        role=ROLE_ROOT, status=USER_ENABLED, quota=ROOT_QUOTA,
        access_token=config.initial_root_access_token or new_access_token(), aff_code=new_aff_code(),
    )
    db.session.add(root)
    try:
        db.session.flush()
        if config.initial_root_token:
            db.session.add(_initial_token(root.id, config.initial_root_token))
        db.session.commit()
    except IntegrityError:  # another node bootstrapped at the same moment; its root stands
        db.session.rollback()
        return False
    if config.initial_root_password:
        log.warning("Created the root account with the password from INITIAL_ROOT_PASSWORD.")
    else:
        log.warning("Created the root account. Username: root  Password: %s  (shown once; change it)", password)
    return True


def _initial_token(user_id: int, key: str) -> Token:
    now = int(time.time())
    return Token(
        user_id=user_id, key=key, name="Initial Root Token", status=TOKEN_ENABLED,
        created_time=now, accessed_time=now, expired_time=NEVER_EXPIRES,
        remain_quota=ROOT_QUOTA, unlimited_quota=True,
    )
