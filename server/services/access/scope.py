"""Who may see what: every object is scoped to the areas of the signed-in staff member.

An object outside the caller's areas is reported as not found, never as
forbidden: the caller must not learn that it exists. A view names an object by
its id and asks for it with ``get_<kind>(user, id)``: household, building,
area, grid, campaign, feedback, worker, file. Each returns the object or raises
``OutOfScope``, which the error handlers answer as 404 once (``server/errors.py``),
in JSON or as the error page.
"""
from __future__ import annotations

from sqlalchemy import select, union

from models import (Area, AreaLevel, Building, Campaign, CampaignStatus, Feedback, Household, Job, Pledge,
                    SpotCheck, StoredFile, User, Visit)
from server.extensions import db

#: What a person is told when the object asked for is missing or outside their areas, by kind.
NOT_FOUND = {
    "area": "没有这个区域，或它不在您的范围内",
    "grid": "没有这个网格，或它不在您的范围内",
    "building": "没有这栋楼，或它不在您的范围内",
    "household": "没有这户，或它不在您的范围内",
    "campaign": "没有这个活动，或它不在您的范围内",
    "feedback": "没有这条意见，或它不在您的范围内",
    "worker": "没有这个网格员，或他不在您的范围内",
    "spot_check": "没有这项复核任务，或它没有分配给您",
    "job": "没有这项导出任务，或它不是您发起的",
    "file": None,  # the stock 404 message: a photo's address says nothing about whose it is
}


class OutOfScope(LookupError):
    """The object does not exist, or lies outside the caller's areas; answered 404 either way.

    ``message`` is what the person is told (None: the stock 404 message).
    """

    def __init__(self, object_id=None, message: str | None = None):
        super().__init__(object_id)
        self.object_id = object_id
        self.message = message


def area_in_scope(user: User, area: Area) -> bool:
    """True when ``area`` lies at or beneath one of the user's areas."""
    return any(area.is_within(scope) for scope in user.areas)


def household_in_scope(user: User, household: Household) -> bool:
    """True when the household's grid lies within the user's areas."""
    return area_in_scope(user, household.building.grid)


def manages(user: User, worker: User) -> bool:
    """True when every one of ``worker``'s areas lies within the user's: only then may the user re-invite,
    deactivate or edit them. A worker whose grids span two communities belongs to neither head alone."""
    return bool(worker.areas) and all(area_in_scope(user, area) for area in worker.areas)


def sees_drafts(user: User | None) -> bool:
    """Heads and admins see campaigns in preparation; workers (and residents, who have no account) never do."""
    return user is not None and not user.role.is_field_worker


def get_area(user: User, area_id: int) -> Area:
    """The area ``area_id`` if the user may see it.

    Raises:
        OutOfScope: no such area, or outside the user's areas.
    """
    area = db.session.get(Area, area_id)
    if area is None or not area_in_scope(user, area):
        raise OutOfScope(area_id, NOT_FOUND["area"])
    return area


def get_area_or_first(user: User, area_id: int | None) -> Area:
    """The area ``area_id`` as ``get_area``; with no id, the user's first area (a page's default).

    Raises:
        OutOfScope: as ``get_area``, or no id and the user has no area.
    """
    if area_id:
        return get_area(user, area_id)
    if not user.areas:
        raise OutOfScope(None, NOT_FOUND["area"])
    return user.areas[0]


def get_grid(user: User, grid_id: int) -> Area:
    """The grid ``grid_id`` if the user may see it.

    Raises:
        OutOfScope: no such area, an area that is not a grid, or outside the user's areas.
    """
    grid = db.session.get(Area, grid_id)
    if grid is None or grid.level is not AreaLevel.GRID or not area_in_scope(user, grid):
        raise OutOfScope(grid_id, NOT_FOUND["grid"])
    return grid


def get_building(user: User, building_id: int) -> Building:
    """The building ``building_id`` if the user may see it (its grid lies within the user's areas).

    Raises:
        OutOfScope: no such building, or outside the user's areas.
    """
    building = db.session.get(Building, building_id)
    if building is None or not area_in_scope(user, building.grid):
        raise OutOfScope(building_id, NOT_FOUND["building"])
    return building


def get_household(user: User, household_id: int) -> Household:
    """The household ``household_id`` if the user may see it.

    Raises:
        OutOfScope: no such household, or outside the user's areas.
    """
    household = db.session.get(Household, household_id)
    if household is None or not household_in_scope(user, household):
        raise OutOfScope(household_id, NOT_FOUND["household"])
    return household


def get_campaign(user: User, campaign_id: int) -> Campaign:
    """The campaign ``campaign_id`` if it covers one of the user's areas (above, at or beneath it) and the user
    may see it (a draft: heads and admins only, ``sees_drafts``).

    Raises:
        OutOfScope: no such campaign, or none of the user's concern.
    """
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or (campaign.status is CampaignStatus.DRAFT and not sees_drafts(user)) or not any(
            campaign.area.is_within(area) or area.is_within(campaign.area) for area in user.areas):
        raise OutOfScope(campaign_id, NOT_FOUND["campaign"])
    return campaign


def get_feedback(user: User, feedback_id: int) -> Feedback:
    """The feedback ``feedback_id`` if the user may see its household.

    Raises:
        OutOfScope: no such feedback, or its household outside the user's areas.
    """
    feedback = db.session.get(Feedback, feedback_id)
    if feedback is None or not household_in_scope(user, db.session.get(Household, feedback.household_id)):
        raise OutOfScope(feedback_id, NOT_FOUND["feedback"])
    return feedback


def get_worker(user: User, worker_id: int) -> User:
    """The grid worker or volunteer ``worker_id`` if the user may manage them (``manages``).

    Raises:
        OutOfScope: no such account, not a field worker, or one of the worker's areas outside the user's.
    """
    worker = db.session.get(User, worker_id)
    if worker is None or not worker.role.is_field_worker or not manages(user, worker):
        raise OutOfScope(worker_id, NOT_FOUND["worker"])
    return worker


def get_file(user: User, file_id: str) -> StoredFile:
    """A photo or signature if the user may see a household whose visit or pledge holds it.

    Raises:
        OutOfScope: no such file, one nobody's record holds, or only records outside the user's areas.
    """
    stored = db.session.get(StoredFile, file_id)
    holders = union(select(Visit.household_id).where(Visit.photo_file_id == file_id),
                    select(Pledge.household_id).where(Pledge.signature_file_id == file_id))
    households = db.session.scalars(select(Household).where(Household.id.in_(select(holders.subquery()))))
    if stored is None or not any(household_in_scope(user, household) for household in households):
        raise OutOfScope(file_id, NOT_FOUND["file"])
    return stored


def get_spot_check(user: User, check_id: int) -> SpotCheck:
    """A spot check assigned to the user: a checker sees only their own checks, whoever else may see the visit.

    Raises:
        OutOfScope: no such check, or assigned to someone else (or to nobody yet).
    """
    check = db.session.get(SpotCheck, check_id)
    if check is None or check.checker_id != user.id:
        raise OutOfScope(check_id, NOT_FOUND["spot_check"])
    return check


def get_queued_check(user: User, check_id: int) -> SpotCheck:
    """A spot check of a visit in the user's areas, for a head or admin to assign.

    Raises:
        OutOfScope: no such check, the user does not use the dashboard, or the visit's household outside their areas.
    """
    check = db.session.get(SpotCheck, check_id)
    if (check is None or not user.role.may_read_dashboard
            or not household_in_scope(user, db.session.get(Household, check.visit.household_id))):
        raise OutOfScope(check_id, NOT_FOUND["spot_check"])
    return check


def get_job(user: User, job_id: str) -> Job:
    """A background job the user started. Only its starter sees it, admins included: its file is personal data
    read under the starter's name, and the starter's scope was checked when it began.

    Raises:
        OutOfScope: no such job, or someone else's.
    """
    job = db.session.get(Job, job_id) if len(job_id) <= 36 else None
    if job is None or job.user_id != user.id:
        raise OutOfScope(job_id, NOT_FOUND["job"])
    return job
