"""Staff accounts: creating them, passwords with lock-out per account and address, and one-time invite codes."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from models import Area, InviteCode, LoginLock, Role, User, utcnow
from server.extensions import db
from server.services.access import audit
from server.services.access.sessions import sign_out_everywhere

#: The demo city's shared password for heads and admins: it is printed in the README.
DEMO_PASSWORD = "qiaomen2026"
#: Passwords anyone can read (the demo's): never accepted in production.
PUBLIC_PASSWORDS = frozenset({DEMO_PASSWORD})

# Letters and digits that cannot be misread on a phone screen or a printout.
_INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_INVITE_LENGTH = 10  # 32**10 ≈ 2**50 guesses; codes also expire and work once.


def _refuses_public_passwords() -> bool:
    """Production never accepts a public password (the demo's), at login or as a new one."""
    return has_app_context() and current_app.config.get("QIAOMEN_ENV") == "production"


def login_network(address: str | None) -> str:
    """What failed logins are counted against: an IPv4 address, or the /64 an IPv6 address belongs to (one
    subscriber holds a whole /64, so counting its addresses one by one would give a guesser millions of tries)."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _hash_method() -> str:
    # scrypt in service; the test suite sets a cheap method (PASSWORD_HASH_METHOD) to stay fast.
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"


@functools.cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so that a miss costs as long as a hit."""
    return generate_password_hash("qiaomen-timing-equaliser")


class AccountError(ValueError):
    """A staff account that cannot be made as asked; ``field`` names the form field at fault, if one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class InvalidCredentials(Exception):
    """Username or password wrong, or the account cannot log in with a password."""


class PublicPassword(Exception):
    """The password is right, but public (the demo's): production does not accept it."""


class AccountLocked(Exception):
    """Too many failed logins; the account is locked until ``until``."""

    def __init__(self, until: dt.datetime):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class NewAccount:
    """A created account, with the secret to hand over once: a password or an invite code."""

    user: User
    password: str | None = None
    invite_code: str | None = None


def _unique_username(base: str) -> str:
    taken = set(db.session.scalars(select(User.username).where(User.username.like(base + "%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def create_user(name: str, role: Role, areas: list[Area], username: str | None = None,
                password: str | None = None, invite_ttl_hours: int = 72) -> NewAccount:
    """Create a staff account acting in ``areas``.

    Web roles (heads, admins) get a password: ``password`` or a generated one.
    Field workers get a one-time invite code instead, for the mini-program login.

    Raises:
        AccountError: no areas, an area of the wrong level for the role, a taken
            username, a password given for a field worker, or a public one in production.
    """
    role = Role(role)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise AccountError("姓名不能为空，且不超过 64 个字")
    if not areas:
        raise AccountError("请至少指定一个区域")
    for area in areas:
        if area.level not in role.area_levels:
            allowed = "或".join(level.label for level in role.area_levels)
            raise AccountError(f"{role.label}只能分配到{allowed}，“{area.name}”是{area.level.label}")
    if username:
        if db.session.scalar(select(User.id).where(User.username == username)):
            raise AccountError(f"用户名 {username} 已被使用", field="username")
    else:
        username = _unique_username(f"{role.value.split('_')[0]}{areas[0].id}")
    user = User(name=name, role=role, username=username, areas=list(areas))
    db.session.add(user)
    if role.is_field_worker:
        if password:
            raise AccountError(f"{role.label}用微信或邀请码登录，不设密码")
        db.session.flush()
        return NewAccount(user, invite_code=issue_invite_code(user, invite_ttl_hours))
    password = password or secrets.token_urlsafe(9)
    set_password(user, password)
    db.session.flush()
    return NewAccount(user, password=password)


def may_appoint(by: User, role: Role) -> bool:
    """True when ``by`` may open a web account of ``role`` (for an area in ``by``'s scope)."""
    return Role(role) in by.role.appoints


def appoint_staff(by: User, role: Role, area: Area, name: str, username: str | None = None) -> NewAccount:
    """Open a head's or street admin's account for ``area`` (already checked to lie in ``by``'s scope), with a
    generated password to hand over once. Audited.

    Raises:
        AccountError: ``by`` may not open accounts of ``role``, or as ``create_user``.
    """
    role = Role(role)
    if not may_appoint(by, role):
        raise AccountError(f"{by.role.label}不能开设{role.label}账号")
    account = create_user(name, role, [area], username=(username or "").strip() or None)
    audit.record(by, "appoint_staff", "user", account.user.id, detail={"role": role.value, "area_id": area.id})
    return account


def set_password(user: User, password: str) -> None:
    """Store a salted hash of ``password``, and clear any lock-out.

    Raises:
        AccountError: a password shorter than 8 characters, or a public one in production.
    """
    if len(password) < 8:
        raise AccountError("密码至少 8 位")
    if _refuses_public_passwords() and password in PUBLIC_PASSWORDS:
        raise AccountError("这是公开的演示密码，正式环境不能使用")
    user.password_hash = generate_password_hash(password, method=_hash_method())
    if user.id is not None:
        db.session.execute(delete(LoginLock).where(LoginLock.user_id == user.id))


def password_account(username: str) -> User:
    """The head's or admin's account signed in to with ``username`` and a password.

    Raises:
        AccountError: no such account, or a field worker's (who has no password).
    """
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or user.role.is_field_worker:
        raise AccountError(f"没有用户名为 {username} 的负责人或管理员账号")
    return user


def reset_password(user: User, password: str) -> None:
    """Give an existing account a new password and sign it out everywhere. Flushes.

    Raises:
        AccountError: as ``set_password``.
    """
    set_password(user, password)
    sign_out_everywhere(user)


def _login_lock(user: User, address: str) -> LoginLock:
    """The failures of ``user`` from ``address``, its row locked until the transaction ends (made if need be)."""
    lock = db.session.get(LoginLock, (user.id, address), with_for_update=True, populate_existing=True)
    if lock is None:
        try:
            with db.session.begin_nested():
                lock = LoginLock(user_id=user.id, address=address, failures=0)
                db.session.add(lock)
        except IntegrityError:  # a failure from the same address at the same instant made it first
            lock = db.session.get(LoginLock, (user.id, address), with_for_update=True, populate_existing=True)
    return lock


def authenticate(username: str, password: str, address: str | None, max_failures: int = 5,
                 lockout_minutes: int = 15, now: dt.datetime | None = None) -> User:
    """Check a password login from the client ``address``, counting failures towards a temporary lock-out.

    Failures are counted per account and address (``login_network``: an IPv6 address by its /64):
    ``max_failures`` from one address, none further apart than ``lockout_minutes``, lock that address out of
    the account for ``lockout_minutes``, even with the right password, while the same account still logs in
    from every other address. Whoever guesses a head's password locks out only themselves, and never for longer
    than the lock-out after their last failure. Rows whose failures have expired are deleted as failures come.

    Raises:
        AccountLocked: this address is locked out of the account, or this failure locked it.
        InvalidCredentials: unknown user, wrong password, inactive account, or
            a field worker (who has no password).
        PublicPassword: the right password, but a public one (the demo's), in production.
    """
    now = now or utcnow()
    address = login_network(address)
    window = dt.timedelta(minutes=lockout_minutes)
    user = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        raise InvalidCredentials()
    lock = db.session.get(LoginLock, (user.id, address))
    if lock is not None and lock.locked_until and lock.locked_until > now:
        raise AccountLocked(lock.locked_until)
    if not check_password_hash(user.password_hash, password or ""):
        lock = _login_lock(user, address)
        if lock.locked_until and lock.locked_until > now:  # locked by an attempt sent at the same instant
            raise AccountLocked(lock.locked_until)
        if lock.last_failed_at and lock.last_failed_at < now - window:
            lock.failures = 0  # the earlier failures have expired
        db.session.execute(delete(LoginLock).where(  # others expired: their addresses are kept no longer
            LoginLock.last_failed_at < now - window, LoginLock.locked_until.is_(None) | (LoginLock.locked_until < now),
            ~((LoginLock.user_id == user.id) & (LoginLock.address == address))
        ).execution_options(synchronize_session=False))
        lock.failures += 1
        lock.last_failed_at = now
        if lock.failures >= max_failures:
            lock.failures = 0
            lock.locked_until = now + window
            db.session.flush()
            raise AccountLocked(lock.locked_until)
        db.session.flush()
        raise InvalidCredentials()
    if not user.active:
        raise InvalidCredentials()
    if _refuses_public_passwords() and password in PUBLIC_PASSWORDS:
        raise PublicPassword()
    if lock is not None:
        db.session.delete(lock)
    user.last_login_at = now
    db.session.flush()
    return user


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").encode()).hexdigest()


def issue_invite_code(user: User, ttl_hours: int = 72, now: dt.datetime | None = None) -> str:
    """Make a one-time invite code for ``user``, valid ``ttl_hours``; only its hash is stored."""
    code = "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(_INVITE_LENGTH))
    now = now or utcnow()
    db.session.add(InviteCode(user=user, code_hash=_hash_code(code),
                              expires_at=now + dt.timedelta(hours=ttl_hours), created_at=now))
    db.session.flush()
    return f"{code[:5]}-{code[5:]}"


def find_invite(code: str, now: dt.datetime | None = None) -> InviteCode | None:
    """The unused, unexpired invite matching ``code`` (dashes and case ignored), or None."""
    now = now or utcnow()
    invite = db.session.scalar(select(InviteCode).where(InviteCode.code_hash == _hash_code(code or "")))
    if invite is None or invite.used_at is not None or invite.expires_at <= now:
        return None
    return invite


def deactivate_user(user: User) -> None:
    """Stop an account: no more logins, and every token and session it holds is revoked. Flushes."""
    user.active = False
    sign_out_devices(user)


def sign_out_devices(user: User, now: dt.datetime | None = None) -> None:
    """Sign ``user`` out of every device (a lost phone): every browser, remember cookie and API token, and the
    WeChat account bound to them, so that the old phone's mini-program asks for a new invite code. Flushes."""
    user.wechat_openid = None
    sign_out_everywhere(user, now)


def reinvite(user: User, ttl_hours: int = 72, now: dt.datetime | None = None) -> str:
    """A new one-time invite code for ``user`` (e.g. a new phone), replacing everything before it: every device
    the person had is signed out and every earlier unused code stops working. Flushes.

    Returns the new code, to hand over once.
    """
    now = now or utcnow()
    sign_out_devices(user, now)
    for invite in db.session.scalars(select(InviteCode).where(
            InviteCode.user_id == user.id, InviteCode.used_at.is_(None), InviteCode.expires_at > now)):
        invite.expires_at = now
    return issue_invite_code(user, ttl_hours, now)


class InviteNotValid(ValueError):
    """The invite code is unknown, used or expired."""


def redeem_invite(code: str, now: dt.datetime | None = None) -> User:
    """Use up a one-time invite code and return its (active) account. Flushes.

    Raises:
        InviteNotValid: unknown, used, expired, or the account is deactivated; also when another request used
            the code up at the same instant.
    """
    now = now or utcnow()
    invite = find_invite(code, now)
    if invite is None or not invite.user.active:
        raise InviteNotValid()
    # Used up only if still unused when written: of several phones sending the code at the same instant, the
    # database lets exactly one UPDATE through (PostgreSQL re-checks the condition once the first one commits).
    used = db.session.execute(update(InviteCode).where(InviteCode.id == invite.id, InviteCode.used_at.is_(None),
                                                       InviteCode.expires_at > now).values(used_at=now))
    if used.rowcount != 1:
        raise InviteNotValid()
    return invite.user
