"""Staff accounts, the areas they act in, and one-time invite codes."""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .area import Area, AreaLevel
from .base import Base, UTCDateTime, str_enum, utcnow
from .personal import EncryptedText, phone_index


class Role(enum.StrEnum):
    GRID_WORKER = "grid_worker"
    VOLUNTEER = "volunteer"
    COMMUNITY_HEAD = "community_head"
    STREET_ADMIN = "street_admin"
    DISTRICT_ADMIN = "district_admin"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    # What each role may do, said here once; the views and services ask the role.

    @property
    def is_field_worker(self) -> bool:
        """Knocks on doors: logs in with WeChat or an invite code, not a password; the worker pages are theirs."""
        return self in (Role.GRID_WORKER, Role.VOLUNTEER)

    @property
    def records_visits(self) -> bool:
        """Records visits and uploads photos and signatures from the mini-program: field workers and heads."""
        return self.is_field_worker or self is Role.COMMUNITY_HEAD

    @property
    def may_read_dashboard(self) -> bool:
        """Uses the dashboard (figures, households, feedback, team) over its areas: every role but field workers."""
        return not self.is_field_worker

    @property
    def may_reveal_phone(self) -> bool:
        """May see a resident's full phone number, giving a reason that is audited: heads and admins."""
        return self in (Role.COMMUNITY_HEAD, Role.STREET_ADMIN, Role.DISTRICT_ADMIN)

    @property
    def assigns_doors(self) -> bool:
        """Gives buildings (or units) of their areas to field workers for a campaign: heads and admins."""
        return self in (Role.COMMUNITY_HEAD, Role.STREET_ADMIN, Role.DISTRICT_ADMIN)

    @property
    def may_manage_campaigns(self) -> bool:
        """Creates, edits, opens and ends campaigns, and sees drafts: street and district admins."""
        return self in (Role.STREET_ADMIN, Role.DISTRICT_ADMIN)

    @property
    def appoints(self) -> frozenset[Role]:
        """The web accounts this role may open for an area beneath it: a head for a community, and (for a district
        admin) a street admin for a street. Heads open none; workers are invited, not appointed."""
        return _APPOINTS.get(self, frozenset())

    @property
    def area_levels(self) -> tuple[AreaLevel, ...]:
        """The levels of the areas this role may be given."""
        return _ROLE_LEVELS[self]

    @staticmethod
    def appointed_for(level: AreaLevel) -> Role | None:
        """The account appointed for an area of ``level``: a head for a community, an admin for a street; None
        for a district (set up from the command line) and a grid (its workers are invited)."""
        return next((role for role in Role if role.area_levels == (level,) and any(
            role in appointed for appointed in _APPOINTS.values())), None)


#: The roles that knock on doors (``Role.is_field_worker``): grid workers and volunteers.
FIELD_ROLES = frozenset(role for role in Role if role.is_field_worker)

_APPOINTS = {
    Role.STREET_ADMIN: frozenset({Role.COMMUNITY_HEAD}),
    Role.DISTRICT_ADMIN: frozenset({Role.COMMUNITY_HEAD, Role.STREET_ADMIN}),
}

_ROLE_LABELS = {
    Role.GRID_WORKER: "网格员",
    Role.VOLUNTEER: "志愿者",
    Role.COMMUNITY_HEAD: "社区负责人",
    Role.STREET_ADMIN: "街道管理员",
    Role.DISTRICT_ADMIN: "区管理员",
}
_ROLE_LEVELS = {
    Role.GRID_WORKER: (AreaLevel.GRID, AreaLevel.COMMUNITY),
    Role.VOLUNTEER: (AreaLevel.GRID, AreaLevel.COMMUNITY),
    Role.COMMUNITY_HEAD: (AreaLevel.COMMUNITY,),
    Role.STREET_ADMIN: (AreaLevel.STREET,),
    Role.DISTRICT_ADMIN: (AreaLevel.DISTRICT,),
}

user_area = Table(
    "user_area",
    Base.metadata,
    Column("user_id", Integer, ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("area_id", Integer, ForeignKey("area.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role", 20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The WeChat identity bound with an invite code; the mini-program logs in with it.
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    # A worker's mobile number (from a roster import): encrypted, shown masked; its blind index makes one
    # number one account (see models.personal).
    phone: Mapped[str | None] = mapped_column(EncryptedText)
    phone_index: Mapped[str | None] = mapped_column(String(32), unique=True, index=True)
    # Raised to revoke every bearer token issued so far.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    areas: Mapped[list[Area]] = relationship(secondary=user_area, order_by=Area.path)

    @validates("phone")
    def _index_phone(self, key: str, phone: str | None) -> str | None:
        self.phone_index = phone_index(phone)
        return phone or None

    #: The sign-in (``LoginSession.id``) this object was loaded for, when loaded for a web request; not stored.
    login_session_id = None

    # Flask-Login's protocol, kept to these four members.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The token version and the sign-in ride in the session and the remember cookie: raising the version
        # (deactivation, sign-out everywhere) ends every session, revoking the sign-in ends this one.
        return f"{self.id}:{self.token_version}:{self.login_session_id or ''}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class LoginLock(Base):
    """Failed password logins to one account from one client address, and the lock they led to.

    Counted per account and address, so that whoever guesses a head's password locks out their own address,
    never the head's. A successful login from the address, or a new password, removes the row.
    """

    __tablename__ = "login_lock"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)  # IPv6 at its longest
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Failures older than the lock-out period no longer count, and such rows are deleted (they hold an address).
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class InviteCode(Base):
    """A one-time code that lets a worker bind a phone or browser to their account.

    Only a hash of the code is kept; the code itself is shown once, when made.
    """

    __tablename__ = "invite_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class RosterSheet(Base):
    """The invite cards of one roster import, kept for the person who imported it to download as a PDF.

    The cards (names, grids, roles and the one-time codes in clear) are encrypted at rest and kept only as long
    as the codes are valid; the sheet is found by a random token and served to its importer alone.
    """

    __tablename__ = "roster_sheet"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    cards: Mapped[str] = mapped_column(EncryptedText)  # JSON: [{name, grid, role, code}]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    area: Mapped[Area] = relationship()


class SessionChannel(enum.StrEnum):
    STAFF = "staff"  # the staff pages' password sign-in
    WORKER = "worker"  # a worker's browser, bound with an invite code
    MINIPROGRAM = "miniprogram"  # a bearer token from the mini-program's WeChat login


class LoginSession(Base):
    """One sign-in: a browser's session (and its remember cookie), or a mini-program token.

    Every session cookie and every API token names its sign-in, which is checked on each request, so that
    logging out ends it on the server: a copied cookie, the remember cookie and the tokens minted under it stop
    working at once. Only a random id is kept, nothing that would let a reader of the table sign in.
    """

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    channel: Mapped[SessionChannel] = mapped_column(str_enum(SessionChannel, "session_channel", 16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
