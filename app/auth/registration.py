"""Creating accounts: the profile field rules, the new-user defaults and the invite rewards."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth.passwords import hash_password
from app.billing.credits import credit_user, format_quota
from app.errors import AppError
from app.extensions import db
from app.models import Token, User
from app.models.log import LOG_SYSTEM
from app.models.token import NEVER_EXPIRES, TOKEN_ENABLED, new_token_key
from app.models.user import ROLE_COMMON, USER_ENABLED, new_access_token, new_aff_code
from app.options import current as current_options

MAX_USERNAME, MIN_PASSWORD, MAX_PASSWORD, MAX_DISPLAY_NAME, MAX_EMAIL = 12, 8, 20, 20, 50
USERNAME_TAKEN = "That username is already taken."
EMAIL_VERIFICATION_PENDING = "Email verification is required; it arrives with the account system."


def check_username(value: object) -> str:
    if not _is_clean_text(value) or not value.strip() or value != value.strip() or len(value) > MAX_USERNAME:
        raise AppError(f"Invalid input: the username must be 1 to {MAX_USERNAME} printable characters.")
    return value


def check_password(value: object) -> str:
    if not _is_clean_text(value) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise AppError(f"Invalid input: the password must be {MIN_PASSWORD} to {MAX_PASSWORD} printable characters.")
    return value


def check_display_name(value: object) -> str:
    if not _is_clean_text(value) or len(value) > MAX_DISPLAY_NAME:
        raise AppError(f"Invalid input: the display name must be at most {MAX_DISPLAY_NAME} printable characters.")
    return value


def check_email(value: object) -> str:
    if not _is_clean_text(value) or len(value) > MAX_EMAIL:
        raise AppError(f"Invalid input: the email address must be at most {MAX_EMAIL} printable characters.")
    return value


def _is_clean_text(value: object) -> bool:
    # Control characters and lone surrogates would fail in bcrypt or the database driver, not here.
    return isinstance(value, str) and value.isprintable()


def ensure_username_free(username: str, *, except_user_id: int | None = None) -> None:
    statement = select(User.id).where(User.username == username)
    if except_user_id is not None:
        statement = statement.where(User.id != except_user_id)
    if db.session.execute(statement.limit(1)).first() is not None:
        raise AppError(USERNAME_TAKEN)


def register_with_password(body: dict) -> User:
    """``POST /api/user/register``; ``aff_code`` is the inviter's code, as in One API."""
    options = current_options()
    if not options.get_bool("RegisterEnabled"):
        raise AppError("New registrations are closed by the administrator.")
    if not options.get_bool("PasswordRegisterEnabled"):
        raise AppError("Registration with a password is turned off by the administrator; "
                       "sign up with a third-party account instead.")
    if options.get_bool("EmailVerificationEnabled"):
        raise AppError(EMAIL_VERIFICATION_PENDING)
    return create_account(body.get("username"), body.get("password"), inviter=_inviter(body.get("aff_code")))


def _inviter(aff_code: object) -> User | None:
    """The enabled user owning ``aff_code``; an unknown code quietly means no inviter, as in One API."""
    if not _is_clean_text(aff_code) or not aff_code:
        return None
    return db.session.execute(
        select(User).where(User.aff_code == aff_code, User.status == USER_ENABLED).limit(1)
    ).scalar_one_or_none()


def create_account(username: object, password: object, *, display_name: object = "",
                   inviter: User | None = None) -> User:
    """A common user with One API's defaults and a default relay key, then the configured credits.

    Takes the values as the client sent them and checks each; an empty display name means the username.
    """
    username, password = check_username(username), check_password(password)
    display_name = check_display_name(display_name) or username
    ensure_username_free(username)
    user = User(username=username, password=hash_password(password), display_name=display_name,
                role=ROLE_COMMON, status=USER_ENABLED, quota=0, group="default",
                access_token=new_access_token(), aff_code=new_aff_code(),
                inviter_id=inviter.id if inviter is not None else 0)
    db.session.add(user)
    try:
        db.session.flush()
        db.session.add(_default_token(user.id))
        db.session.commit()
    except IntegrityError:  # a concurrent registration took the name between the check and the insert
        db.session.rollback()
        raise AppError(USERNAME_TAKEN) from None
    _credit_new_account(user, inviter)
    return user


def _default_token(user_id: int) -> Token:
    now = int(time.time())
    return Token(user_id=user_id, key=new_token_key(), name="default", status=TOKEN_ENABLED, created_time=now,
                 accessed_time=now, expired_time=NEVER_EXPIRES, remain_quota=-1, unlimited_quota=True)


def _credit_new_account(user: User, inviter: User | None) -> None:
    options = current_options()
    credits = [(user, options.get_int("QuotaForNewUser"), "New user bonus")]
    if inviter is not None:
        credits += [(user, options.get_int("QuotaForInvitee"), "Bonus for signing up with an invite code"),
                    (inviter, options.get_int("QuotaForInviter"), "Bonus for inviting a user")]
    for account, amount, reason in credits:
        if amount > 0:
            credit_user(account.id, amount, log_type=LOG_SYSTEM, content=f"{reason}: {format_quota(amount)}",
                        username=account.username)
