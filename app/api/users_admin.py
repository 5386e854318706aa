"""Admin user management (/api/user/…): list, search, read, create, edit, manage and delete lower-role users."""

from __future__ import annotations

from typing import Callable

from flask import g, request
from sqlalchemy import false, or_, select, true

from app.api import bp
from app.api.guards import require_admin
from app.api.openapi import describe
from app.api.params import body_int, body_str, json_body, paged
from app.api.users import PROFILE_PROPERTIES, USER_SCHEMA, apply_profile, mark_deleted, save_user, user_view
from app.auth.registration import MAX_EMAIL, check_email, check_username, create_account
from app.billing.credits import MAX_AMOUNT, set_user_quota
from app.envelope import ok
from app.errors import AppError
from app.extensions import db
from app.models import User
from app.models.user import ROLE_ADMIN, ROLE_COMMON, USER_DELETED, USER_DISABLED, USER_ENABLED

MAX_ROW_ID = 2**63 - 1  # larger ids cannot exist, and the drivers refuse to bind them
MAX_GROUP = 32
SEARCH_LIMIT = 100
_ORDERS = {"quota": User.quota, "used_quota": User.used_quota, "request_count": User.request_count}
_USER_LIST = {"type": "array", "items": USER_SCHEMA}
_OUTRANKED = "You cannot view or change a user whose role is equal to or above yours."
_NO_SUCH_USER = "That user does not exist."


def _visible_to(caller: User):
    """Root sees everyone; anyone else only users below their own role."""
    return true() if caller.is_root else User.role < caller.role


def _check_outranks(caller: User, target: User) -> None:
    if not caller.is_root and target.role >= caller.role:
        raise AppError(_OUTRANKED)


def _target(condition, *, include_deleted: bool = False) -> User:
    """The user matching ``condition`` that the caller outranks (root outranks everyone)."""
    statement = select(User).where(condition)
    if not include_deleted:
        statement = statement.where(User.status != USER_DELETED)
    user = db.session.execute(statement.limit(1)).scalar_one_or_none()
    if user is None:
        raise AppError(_NO_SUCH_USER)
    _check_outranks(g.user, user)
    return user


def _row_id(value: int | str) -> int | None:
    """``value`` as an id a row could have (from a path, a body or a search keyword), else None."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ROW_ID:
        return None
    return int(text)


def _id_is(value: int):
    user_id = _row_id(value)
    return User.id == user_id if user_id is not None else false()


@bp.get("/user/")
@describe("Users, newest first or by quota, used quota or request count; deleted users are left out",
          query={"p": {"type": "integer"}, "page_size": {"type": "integer"}, "order": {"type": "string"}},
          data=_USER_LIST)
@require_admin
def list_users():
    order = _ORDERS.get(request.args.get("order", ""))
    statement = select(User).where(User.status != USER_DELETED, _visible_to(g.user))
    leading = [order.desc()] if order is not None else []
    statement = statement.order_by(*leading, User.id.desc())
    users, total = paged(statement)
    return ok([user_view(user) for user in users], total=total)


@bp.get("/user/search")
@describe("Users whose id is the keyword, or whose username, email or display name starts with it",
          query={"keyword": {"type": "string"}}, data=_USER_LIST)
@require_admin
def search_users():
    keyword = request.args.get("keyword", "")
    if not keyword.isprintable():
        raise AppError("Invalid parameter: 'keyword' must be printable text.")
    matches = [column.startswith(keyword, autoescape=True) for column in (User.username, User.email, User.display_name)]
    if (user_id := _row_id(keyword)) is not None:
        matches.append(User.id == user_id)
    statement = select(User).where(or_(*matches), _visible_to(g.user)).order_by(User.id.desc()).limit(SEARCH_LIMIT)
    return ok([user_view(user) for user in db.session.execute(statement).scalars()])


@bp.get("/user/<int:user_id>")
@describe("One user below your role (root: anyone), without password or access token", data=USER_SCHEMA)
@require_admin
def get_user(user_id: int):
    return ok(user_view(_target(_id_is(user_id), include_deleted=True)))


@bp.post("/user/")
@describe("Create a common user, credited with QuotaForNewUser", body={
    "type": "object", "required": ["username", "password"],
    "properties": {**PROFILE_PROPERTIES, "role": {"type": "integer", "description": "Ignored; must be below yours"}}})
@require_admin
def create_user():
    body = json_body()
    if "role" in body and body_int(body, "role") >= g.user.role:
        raise AppError("You cannot create a user whose role is equal to or above yours.")
    create_account(body.get("username"), body.get("password"), display_name=body.get("display_name", ""))
    return ok()


@bp.put("/user/")
@describe("Edit a user below your role: profile, group, email, quota, and (root only) role", body={
    "type": "object", "required": ["id"], "properties": {
        "id": {"type": "integer"}, **PROFILE_PROPERTIES, "group": {"type": "string", "maxLength": MAX_GROUP},
        "email": {"type": "string", "maxLength": MAX_EMAIL}, "quota": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT},
        "role": {"type": "integer", "enum": [ROLE_COMMON, ROLE_ADMIN]}}})
@require_admin
def update_user():
    body = json_body()
    target = _target(_id_is(body_int(body, "id")))
    quota = _requested_quota(body)
    _apply_admin_fields(target, body)
    apply_profile(target, body)
    save_user(target)
    if quota is not None:
        set_user_quota(target.id, quota, admin_name=g.user.username)
    return ok()


def _requested_quota(body: dict) -> int | None:
    if "quota" not in body:
        return None
    quota = body_int(body, "quota", minimum=0)
    if quota > MAX_AMOUNT:  # checked before any field is saved, so a refused edit changes nothing
        raise AppError(f"Invalid parameter: 'quota' must be at most {MAX_AMOUNT}.")
    return quota


def _apply_admin_fields(target: User, body: dict) -> None:
    """The fields only an admin may set; anything else in the body (keys, counters, OAuth ids) is ignored."""
    if "group" in body:
        group = body_str(body, "group", max_length=MAX_GROUP).strip()
        if not group or not group.isprintable():
            raise AppError(f"Invalid parameter: 'group' must be 1 to {MAX_GROUP} printable characters.")
        target.group = group
    if "email" in body:
        target.email = check_email(body["email"])
    if "role" in body and body_int(body, "role") != target.role:
        target.role = _new_role(target, body["role"])


def _new_role(target: User, role: int) -> int:
    if not g.user.is_root:
        raise AppError("Only the root user can change a user's role.")
    if target.is_root:
        raise AppError("The root user's role cannot be changed.")
    if role not in (ROLE_COMMON, ROLE_ADMIN):
        raise AppError(f"Invalid parameter: 'role' must be {ROLE_COMMON} (common) or {ROLE_ADMIN} (admin).")
    return role


@bp.post("/user/manage")
@describe("Disable, enable, delete, promote (root only) or demote a user below your role", body={
    "type": "object", "required": ["username", "action"], "properties": {
        "username": {"type": "string"},
        "action": {"type": "string", "enum": ["disable", "enable", "delete", "promote", "demote"]}}},
    data={"type": "object", "properties": {"role": {"type": "integer"}, "status": {"type": "integer"}}})
@require_admin
def manage_user():
    body = json_body()
    username, action = check_username(body.get("username")), body_str(body, "action")
    apply_action = _ACTIONS.get(action)
    if apply_action is None:
        raise AppError(f"Unknown action '{action}'; use one of: {', '.join(_ACTIONS)}.")
    target = _target(User.username == username)
    apply_action(target)
    save_user(target)
    return ok({"role": target.role, "status": target.status})


def _disable(target: User) -> None:
    if target.is_root:
        raise AppError("The root user cannot be disabled.")
    target.status = USER_DISABLED


def _enable(target: User) -> None:
    target.status = USER_ENABLED


def _delete(target: User) -> None:
    if target.is_root:
        raise AppError("The root user cannot be deleted.")
    mark_deleted(target)


def _promote(target: User) -> None:
    if not g.user.is_root:
        raise AppError("Only the root user can promote users to admin.")
    if target.role >= ROLE_ADMIN:
        raise AppError("That user is already an admin.")
    target.role = ROLE_ADMIN


def _demote(target: User) -> None:
    if target.is_root:
        raise AppError("The root user cannot be demoted.")
    if target.role == ROLE_COMMON:
        raise AppError("That user is already a common user.")
    target.role = ROLE_COMMON


_ACTIONS: dict[str, Callable[[User], None]] = {
    "disable": _disable, "enable": _enable, "delete": _delete, "promote": _promote, "demote": _demote,
}


@bp.delete("/user/<int:user_id>")
@describe("Delete a user below your role (soft delete: renamed, status 3)")
@require_admin
def delete_user(user_id: int):
    target = _target(_id_is(user_id))
    _delete(target)
    save_user(target)
    return ok()
