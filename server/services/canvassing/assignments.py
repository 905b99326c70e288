"""Who knocks where: a head gives buildings (or one unit of a building) to the field workers of their grids, for a
campaign, and takes them back or gives them to someone else when a worker drops out.

One current assignee per building/unit and campaign (``models.Assignment``); reassigning rewrites it and the audit
log keeps who had it, who changed it and when. A unit's own assignment wins over its building's. Assignments only
order and label the walk list: a worker may still record any door of their grids.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import joinedload

from models import Area, Assignment, Building, Campaign, Household, HouseholdProgress, Occupancy, User, utcnow
from server.extensions import db
from server.services.access import audit
from server.services.access.scope import NOT_FOUND, OutOfScope, area_in_scope
from server.services.privacy.masking import mask_name
from server.services.registry.areas import grid_ids_under
from server.services.registry.door_order import natural

#: What the walk list says of a door assigned to the person reading it.
MINE = "我的"
#: … and of a door assigned to nobody.
NOBODY = "未分配"


class AssignmentError(ValueError):
    """An assignment the rules refuse; ``str(error)`` is the Chinese message for the head."""


def _check(head: User, campaign: Campaign, building: Building, unit: str, worker: User | None) -> None:
    if not head.role.assigns_doors:
        raise AssignmentError("只有社区负责人和管理员可以分配楼栋")
    if not area_in_scope(head, building.grid):
        raise OutOfScope(building.id, NOT_FOUND["building"])
    if not building.grid.is_within(campaign.area):
        raise AssignmentError(f"{building.name}不在活动“{campaign.name}”的范围内")
    if unit and not db.session.scalar(select(Household.id).where(
            Household.building_id == building.id, Household.unit == unit).limit(1)):
        raise AssignmentError(f"{building.name}没有{unit}单元")
    if worker is None:
        return
    if not worker.role.is_field_worker or not worker.active:
        raise AssignmentError(f"{worker.name}不是在岗的网格员或志愿者，不能分配楼栋")
    if not area_in_scope(worker, building.grid):
        raise AssignmentError(f"{building.name}不在{worker.name}的网格内")


def _held(campaign: Campaign, building: Building, unit: str) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(
        Assignment.campaign_id == campaign.id, Assignment.building_id == building.id, Assignment.unit == unit))


def assign(head: User, campaign: Campaign, buildings: list[Building], worker: User, unit: str | None = None,
           ip: str | None = None) -> list[Assignment]:
    """Give ``buildings`` (or ``unit`` of each) to ``worker`` in ``campaign``; one already held by someone else
    passes to ``worker`` (the audit log keeps who had it). Flushes.

    Raises:
        OutOfScope: a building outside the head's areas.
        AssignmentError: the head may not assign, a building outside the campaign's area, no such unit, or a
            worker who is no active field worker or whose grids do not hold the building.
    """
    unit = (unit or "").strip()
    done = []
    for building in buildings:
        _check(head, campaign, building, unit, worker)
        held = _held(campaign, building, unit)
        before = held.worker_id if held else None
        if held is None:
            held = Assignment(campaign_id=campaign.id, building_id=building.id, unit=unit, worker_id=worker.id)
            db.session.add(held)
        if before != worker.id:
            held.worker_id, held.assigned_by_id, held.assigned_at = worker.id, head.id, utcnow()
            db.session.flush()
            audit.record(head, "reassign" if before else "assign", "building", building.id,
                         {"campaign_id": campaign.id, "unit": unit, "worker_id": worker.id, "previous": before}, ip)
        done.append(held)
    db.session.flush()
    return done


def reassign(head: User, campaign: Campaign, building: Building, worker: User, unit: str | None = None,
             ip: str | None = None) -> Assignment:
    """Give one building (or unit) to ``worker``, whoever had it: ``assign`` for one building.

    Raises:
        OutOfScope, AssignmentError: as ``assign``.
    """
    return assign(head, campaign, [building], worker, unit, ip)[0]


def unassign(head: User, campaign: Campaign, building: Building, unit: str | None = None,
             ip: str | None = None) -> bool:
    """Take a building (or unit) back from whoever has it; False when nobody had it. Flushes.

    Raises:
        OutOfScope: a building outside the head's areas.
        AssignmentError: the head may not assign, or the building lies outside the campaign's area.
    """
    unit = (unit or "").strip()
    _check(head, campaign, building, "", None)
    held = _held(campaign, building, unit)
    if held is None:
        return False
    audit.record(head, "unassign", "building", building.id,
                 {"campaign_id": campaign.id, "unit": unit, "previous": held.worker_id}, ip)
    db.session.delete(held)
    db.session.flush()
    return True


def assignments_of(worker: User, campaign: Campaign) -> list[Assignment]:
    """What ``worker`` was given in ``campaign``, by building in natural order."""
    return list(db.session.scalars(
        select(Assignment).join(Building, Building.id == Assignment.building_id)
        .where(Assignment.worker_id == worker.id, Assignment.campaign_id == campaign.id)
        .options(joinedload(Assignment.building))
        .order_by(*natural(Building.name), Building.id, *natural(Assignment.unit))))


def assignments_in(campaign: Campaign, buildings: list[Building]) -> dict[int, list[Assignment]]:
    """The assignments of ``buildings`` in ``campaign``, by building id (whole building first, then units)."""
    found: dict[int, list[Assignment]] = {b.id: [] for b in buildings}
    for row in db.session.scalars(
            select(Assignment).where(Assignment.campaign_id == campaign.id,
                                     Assignment.building_id.in_(list(found)))
            .options(joinedload(Assignment.worker)).order_by(*natural(Assignment.unit))):
        found[row.building_id].append(row)
    return found


def unassigned_buildings(campaign: Campaign, area: Area) -> list[Building]:
    """The buildings under ``area`` (and the campaign's area) that nobody was given in ``campaign``, wholly or by
    unit, in grid then natural order. A building with only some units given counts as assigned."""
    given = select(Assignment.building_id).where(Assignment.campaign_id == campaign.id)
    return list(db.session.scalars(
        select(Building).join(Area, Area.id == Building.grid_id)
        .where(Building.grid_id.in_(grid_ids_under(area)), Building.grid_id.in_(grid_ids_under(campaign.area)),
               Building.id.not_in(given))
        .options(joinedload(Building.grid))
        .order_by(Area.path, *natural(Building.name), Building.id)))


def assignee_id_column(campaign_id: int, household=Household):
    """SQL: the id of the worker a household is assigned to in the campaign (its unit's, else its building's),
    NULL when nobody; for a query over ``household``."""
    unit_given = (select(Assignment.worker_id)
                  .where(Assignment.campaign_id == campaign_id, Assignment.building_id == household.building_id,
                         Assignment.unit == household.unit, Assignment.unit != "")
                  .correlate(household).scalar_subquery())
    building_given = (select(Assignment.worker_id)
                      .where(Assignment.campaign_id == campaign_id, Assignment.building_id == household.building_id,
                             Assignment.unit == "")
                      .correlate(household).scalar_subquery())
    return func.coalesce(unit_given, building_given)


def walk_owner_of(household: Household, campaign: Campaign) -> User | None:
    """The worker a household is assigned to in ``campaign`` (its unit's assignee, else its building's), or None."""
    worker_id = db.session.scalar(select(assignee_id_column(campaign.id)).where(Household.id == household.id))
    return db.session.get(User, worker_id) if worker_id else None


def whose(assignee: User | None, viewer: User | None) -> str:
    """What a list says of a door's assignee to ``viewer``: "我的", the masked name, or "未分配"."""
    if assignee is None:
        return NOBODY
    if viewer is not None and assignee.id == viewer.id:
        return MINE
    return mask_name(assignee.name)


@dataclass(frozen=True)
class WorkerProgress:
    """What a worker was given in a campaign and how far they got with it."""

    worker: User
    assigned: int    # households in what they were given
    in_scope: int    # … less those confirmed vacant
    contacted: int   # … that were 入户 (by anyone)

    @property
    def rate(self) -> float | None:
        """入户率 of what they were given: contacted over in scope, four places; None with nothing in scope."""
        return round(self.contacted / self.in_scope, 4) if self.in_scope else None


def worker_progress(campaign: Campaign, workers: list[User]) -> dict[int, WorkerProgress]:
    """Each worker's assigned households, those in scope and those contacted, in ``campaign``, by worker id."""
    assignee = assignee_id_column(campaign.id).label("assignee")
    progress = HouseholdProgress
    rows = db.session.execute(
        select(assignee, func.count(Household.id),
               func.count(Household.id).filter(Household.occupancy != Occupancy.VACANT),
               func.count(Household.id).filter(Household.occupancy != Occupancy.VACANT, progress.contacted.is_(True)))
        .select_from(Household)
        .outerjoin(progress, and_(progress.household_id == Household.id, progress.campaign_id == campaign.id))
        .where(Household.building_id.in_(select(Assignment.building_id).where(
            Assignment.campaign_id == campaign.id, Assignment.worker_id.in_([w.id for w in workers]))))
        .group_by(assignee)).all()
    counts = {row[0]: row[1:] for row in rows}
    return {w.id: WorkerProgress(w, *counts.get(w.id, (0, 0, 0))) for w in workers}
