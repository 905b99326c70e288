"""Showing a resident's full phone number: only to heads and admins in scope, for a stated reason, always logged."""
from __future__ import annotations

from models import Household, User
from server.services.access.audit import record
from server.services.access.scope import NOT_FOUND, OutOfScope, household_in_scope

REASON_LENGTH = (4, 100)


class UnmaskRefused(PermissionError):
    """The caller's role may not see full phone numbers."""


class ReasonMissing(ValueError):
    """No reason, or one too short or too long to mean anything."""


def reveal_phone(user: User, household: Household, reason: str, ip: str | None) -> str | None:
    """The household head's full phone number, with an audit event naming who, why and from where. Flushes.

    Raises:
        UnmaskRefused: the role may not unmask.
        OutOfScope: the household lies outside the caller's areas.
        ReasonMissing: the reason is blank, shorter than 4 or longer than 100 characters.
    """
    if not user.role.may_reveal_phone:
        raise UnmaskRefused()
    if not household_in_scope(user, household):
        raise OutOfScope(household.id, NOT_FOUND["household"])
    reason = (reason or "").strip()
    if not REASON_LENGTH[0] <= len(reason) <= REASON_LENGTH[1]:
        raise ReasonMissing()
    record(user, "unmask_phone", "household", household.id, detail={"reason": reason}, ip=ip)
    return household.head_phone
