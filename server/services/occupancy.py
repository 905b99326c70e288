"""Confirming a household as vacant: it leaves the denominator of every open campaign's rates."""
from __future__ import annotations

from models import Household, Occupancy
from server.extensions import db
from server.services import ledger
from server.services.campaigns import open_campaigns_covering


def confirm_vacant(household: Household) -> bool:
    """Mark the household vacant and take it out of ``in_scope`` in open campaigns; False if it already was. Flushes."""
    if household.occupancy is Occupancy.VACANT:
        return False
    household.occupancy = Occupancy.VACANT
    db.session.flush()
    for campaign in open_campaigns_covering(household.building.grid):
        ledger.bump(campaign.id, household.building, {"in_scope": -1})
    return True
