"""Confirming a household as vacant, and reverting that: it leaves, or comes back to, every open campaign's ledger.

A household confirmed vacant is out of scope (``Standing``): it leaves the denominator, every counter
but ``households`` and every list of work to do, in every campaign not yet closed; reverting the
confirmation brings it back with everything recorded for it. The roll-ups and the daily counters move
by the household's own contribution, so a recount always agrees.
"""
from __future__ import annotations

from types import SimpleNamespace

from models import Household, HouseholdProgress, Occupancy
from server.extensions import db
from server.services.canvassing.campaign_lookup import open_campaigns_covering
from server.services.ledger import counters as ledger
from server.services.ledger.rebuild import days_counted_in_scope


def confirm_vacant(household: Household) -> bool:
    """Mark the household vacant: it leaves the scope of every open campaign. False if it already was. Flushes."""
    return _set_occupancy(household, Occupancy.VACANT)


def revert_vacant(household: Household) -> bool:
    """Undo a vacancy confirmation: occupancy unknown again, back in scope. False if it was not vacant. Flushes."""
    return _set_occupancy(household, Occupancy.UNKNOWN, only_from=Occupancy.VACANT)


def _set_occupancy(household: Household, occupancy: Occupancy, only_from: Occupancy | None = None) -> bool:
    # Locked first, then the progress rows read: a visit at this door either committed before (and is
    # counted here) or waits for this to commit (``ledger.lock_progress``) and counts the new occupancy.
    db.session.refresh(household, ["occupancy"], with_for_update=True)
    was = household.occupancy
    if was is occupancy or (only_from is not None and was is not only_from):
        return False
    household.occupancy = occupancy
    db.session.flush()
    occupancy_changed(household, was)
    return True


def occupancy_changed(household: Household, was: Occupancy) -> None:
    """Move every open campaign's ledger from the household as it was counted (``was``) to as it is now. Flushes.

    Called after the household's occupancy changed: by a head here, or by a register import.
    """
    counted_before = SimpleNamespace(occupancy=was)  # the household as the ledger counted it until now
    for campaign in open_campaigns_covering(household.building.grid):
        progress = db.session.get(HouseholdProgress, (household.id, campaign.id), populate_existing=True)
        before, after = ledger.counts_of(counted_before, progress), ledger.counts_of(household, progress)
        ledger.apply_change(household, campaign, before, after)
        moved = after["in_scope"] - before["in_scope"]
        if moved and progress is not None:
            ledger.move_days(campaign.id, days_counted_in_scope(campaign, household), moved)
    db.session.flush()
