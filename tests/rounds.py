"""Two rounds over the field for the comparison tests: round 1 (the field's campaign) and round 2, each with
visits, quiz answers and a spot check; in round 2 one visit is found false."""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from models import CheckReason, SpotCheck
from server.extensions import db
from server.services.canvassing.campaigns import activate_campaign, end_campaign, new_round
from server.services.checks import record_check
from tests.field import bearer, visit_payload
from tests.quiz import RIGHT, WRONG, give_quiz

API = "/api/mp/v1"


@dataclass
class Rounds:
    first: object
    second: object


def _visit(client, headers, campaign, household, quiz=None) -> str:
    extra = {"quiz": {"quiz_version": 1, **quiz}} if quiz else {}
    payload = visit_payload(campaign, household, "contacted", materials=[{"code": "notice", "quantity": 1}], **extra)
    response = client.post(f"{API}/visits", json=payload, headers=headers)
    assert response.status_code == 201, response.get_json()
    return payload["id"]


def _check(visit_id: str, checker, visited: bool) -> None:
    check = SpotCheck(visit_id=visit_id, reason=CheckReason.SAMPLE, checker_id=checker.id)
    db.session.add(check)
    db.session.flush()
    record_check(check, checker, {"client_id": str(uuid.uuid4()), "visited": "yes" if visited else "no"})
    db.session.commit()


def two_rounds(client, app, field) -> Rounds:
    """Round 1: three doors of grid A1 and one of A2 entered, 2 of 3 answers right, one check agreeing.
    Round 2: five doors of A1 entered (4 of 4 answers right, one unsatisfied), one found false by its check."""
    first = field.campaign
    first.name = "第一轮"
    db.session.commit()
    give_quiz(first)
    worker, volunteer = bearer(app, field.users["worker_a1"]), bearer(app, field.users["volunteer_a"])
    a1, a2, head = field.households_a1, field.households_a2, field.users["head_a"]
    checked = _visit(client, worker, first, a1[0], {"answers": RIGHT, "satisfaction": 0})
    _visit(client, worker, first, a1[1], {"answers": WRONG, "satisfaction": 0})
    _visit(client, worker, first, a1[2])
    _visit(client, volunteer, first, a2[0], {"answers": RIGHT, "satisfaction": 3})
    _check(checked, head, visited=True)
    end_campaign(first)
    second = activate_campaign(new_round(first, dt.date.today(), dt.date.today() + dt.timedelta(days=30), "第二轮"))
    db.session.commit()
    for household in a1[:4]:
        _visit(client, worker, second, household, {"answers": RIGHT, "satisfaction": 0 if household != a1[3] else 3})
    _visit(client, worker, second, a1[4])
    false = _visit(client, worker, second, a1[5])
    _check(false, head, visited=False)
    return Rounds(first, second)
