"""Creating accounts: the profile field rules, the new-user defaults and the invite rewards."""

from __future__ import annotations

import re
import time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth import email_codes
from app.auth.passwords import hash_password
from app.auth.turnstile import require_turnstile
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
EMAIL_TAKEN = "That email address already belongs to another account."
CODE_REJECTED = "The verification code is wrong or has expired."
# Deliberately loose: one @, no spaces, a dot in the domain. The code we mail is the real check.
_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


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


def check_email_address(value: object) -> str:
    """A required, well-formed address (``check_email`` also allows the empty string admins use to clear it)."""
    email = check_email(value)
    if not _EMAIL_SHAPE.fullmatch(email):
        raise AppError("Invalid input: that is not a valid email address.")
    return email


def check_email_domain(email: str) -> None:
    options = current_options()
    if not options.get_bool("EmailDomainRestrictionEnabled"):
        return
    allowed = {domain.strip().lower() for domain in options.get("EmailDomainWhitelist").split(",")}
    if email.rpartition("@")[2].lower() not in allowed:
        raise AppError("The administrator only allows email addresses from certain domains, and yours is not one.")


def _is_clean_text(value: object) -> bool:
    # Control characters and lone surrogates would fail in bcrypt or the database driver, not here.
    return isinstance(value, str) and value.isprintable()


def ensure_username_free(username: str, *, except_user_id: int | None = None) -> None:
    if _is_taken(User.username, username, except_user_id):
        raise AppError(USERNAME_TAKEN)


def email_in_use(email: str, *, except_user_id: int | None = None) -> bool:
    return _is_taken(User.email, email, except_user_id)


def _is_taken(column, value: str, except_user_id: int | None) -> bool:
    statement = select(User.id).where(column == value)
    if except_user_id is not None:
        statement = statement.where(User.id != except_user_id)
    return db.session.execute(statement.limit(1)).first() is not None


def register_with_password(body: dict) -> User:
    """``POST /api/user/register``; ``aff_code`` is the inviter's code, as in One API."""
    options = current_options()
    if not options.get_bool("RegisterEnabled"):
        raise AppError("New registrations are closed by the administrator.")
    if not options.get_bool("PasswordRegisterEnabled"):
        raise AppError("Registration with a password is turned off by the administrator; "
                       "sign up with a third-party account instead.")
    require_turnstile()
    inviter = _inviter(body.get("aff_code"))
    if options.get_bool("EmailVerificationEnabled"):
        return _register_with_verified_email(body, inviter)
    return create_account(body.get("username"), body.get("password"), inviter=inviter)


def _register_with_verified_email(body: dict, inviter: User | None) -> User:
    """The code is used up only once every other check has passed, so a refused attempt can be retried."""
    email, code = body.get("email"), body.get("verification_code")
    if not email or not code:
        raise AppError("Email verification is required: enter your email address and the verification code.")
    email = check_email_address(email)
    check_email_domain(email)
    username, password = check_username(body.get("username")), check_password(body.get("password"))
    ensure_username_free(username)
    if email_in_use(email):
        raise AppError(EMAIL_TAKEN)
    if not email_codes.consume(email_codes.VERIFY, email, code):
        raise AppError(CODE_REJECTED)
    return create_account(username, password, email=email, inviter=inviter)


def _inviter(aff_code: object) -> User | None:
    """The enabled user owning ``aff_code``; an unknown code quietly means no inviter, as in One API."""
    if not _is_clean_text(aff_code) or not aff_code:
        return None
    return db.session.execute(
        select(User).where(User.aff_code == aff_code, User.status == USER_ENABLED).limit(1)
    ).scalar_one_or_none()


def create_account(username: object, password: object, *, display_name: object = "", email: str = "",
                   inviter: User | None = None) -> User:
    """A common user with One API's defaults and a default relay key, then the configured credits.

    Takes the values as the client sent them and checks each; an empty display name means the username.
    """
    username, password = check_username(username), check_password(password)
    display_name = check_display_name(display_name) or username
    ensure_username_free(username)
    user = User(username=username, password=hash_password(password), display_name=display_name, email=email,
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
