"""After any sequence of visits, pledges, quiz answers, replays, vacancy confirmations and their reversals, purges and
visits found false by a spot check, every roll-up equals the sum of its parts and a fresh count, and every page, answer
and export says the same."""
import datetime as dt
import random
import uuid

import pytest
from sqlalchemy import func, select

from models import (COUNTERS, Area, AreaLevel, Building, LedgerArea, LedgerBuilding, LedgerDay, Occupancy, QuizChannel,
                    Visit)
from server.extensions import db as _db
from server.services.canvassing.occupancy import confirm_vacant, revert_vacant
from server.services.canvassing.quiz import answer_quiz
from server.services.files.storage import storage as app_storage
from server.services.ledger.counters import rate
from server.services.ledger.rebuild import expected_rollups, rebuild_ledger, strike_visit
from server.services.privacy.retention import PurgeReport, purge_step
from tests import ledger_pages
from tests.field import bearer, upload, visit_payload
from tests.quiz import HALF, RIGHT, WRONG, give_quiz
from tests.staff import sign_in

API = "/api/mp/v1"


def stored_rollups(campaign):
    areas = {r.area_id: {c: getattr(r, c) for c in COUNTERS} for r in
             _db.session.scalars(select(LedgerArea).where(LedgerArea.campaign_id == campaign.id))}
    buildings = {r.building_id: {c: getattr(r, c) for c in COUNTERS} for r in
                 _db.session.scalars(select(LedgerBuilding).where(LedgerBuilding.campaign_id == campaign.id))}
    return areas, buildings


def assert_invariant(campaign):
    _db.session.expire_all()
    areas, buildings = stored_rollups(campaign)
    expected_buildings, expected_areas = expected_rollups(campaign)
    zero = dict.fromkeys(COUNTERS, 0)
    for building_id in set(buildings) | set(expected_buildings):
        assert buildings.get(building_id, zero) == expected_buildings.get(building_id, zero), f"building {building_id}"
    for area_id in set(areas) | set(expected_areas):
        assert areas.get(area_id, zero) == expected_areas.get(area_id, zero), f"area {area_id}"
    # Every roll-up is the sum of its children: buildings make a grid, grids a community, and so on up.
    for area in _db.session.scalars(select(Area)):
        own = areas.get(area.id, zero)
        if area.level.value == "grid":
            parts = [buildings.get(b, zero) for b in
                     _db.session.scalars(select(Building.id).where(Building.grid_id == area.id))]
        else:
            parts = [areas.get(a, zero) for a in _db.session.scalars(select(Area.id).where(Area.parent_id == area.id))]
        for counter in COUNTERS:
            assert own[counter] == sum(p[counter] for p in parts), f"{area.name} {counter}"
    # The daily counters add up to the roll-ups: a rate as of any past day is today's less what came since.
    days = {area_id: (contacted, documented) for area_id, contacted, documented in _db.session.execute(
        select(LedgerDay.area_id, func.sum(LedgerDay.new_contacted), func.sum(LedgerDay.new_documented))
        .where(LedgerDay.campaign_id == campaign.id).group_by(LedgerDay.area_id))}
    for area_id, counts in areas.items():
        assert days.get(area_id, (0, 0)) == (counts["contacted"], counts["documented"]), f"area {area_id} by day"


def assert_every_page_agrees(client, app, field):
    """Every page's, answer's and export's figures equal the ledger's and a recount, for every kind of area."""
    sign_in(client, "street_admin")
    headers = bearer(app, field.users["street_admin"])
    for area in (field.street, field.community_a, field.community_b, field.grid_a1, field.grid_b1):
        ledger_pages.assert_every_place_agrees(client, headers, field.campaign, area)
    shown = ledger_pages.rankings_page(client, field.campaign, field.street)
    expected = []
    for level in (AreaLevel.COMMUNITY, AreaLevel.GRID):
        for area in _db.session.scalars(select(Area).where(Area.level == level)):
            counts = ledger_pages.stored(field.campaign, area)
            expected.append((f"{area.parent.name} · {area.name}" if level is AreaLevel.GRID else area.name,
                             counts["in_scope"], *[_percent(rate(counts[name], counts["in_scope"]))
                                                   for name in ("contacted", "documented")],
                             counts["quiz_respondents"], _percent(rate(counts["quiz_passed"], counts["quiz_respondents"])),
                             counts["satisfaction_respondents"],
                             _percent(rate(counts["satisfied"], counts["satisfaction_respondents"]))))
    assert sorted(shown) == sorted(expected), "红黑榜: 应宣传, 入户率, 三有率, 知晓率, 满意度 as the ledger has them"


def _percent(share):
    return "—" if share is None else f"{share * 100:.1f}%"


def _random_answer(rng) -> dict:
    """A quiz answer: the questions, the satisfaction question, or both."""
    answers = rng.choice([RIGHT, HALF, WRONG, []])
    return {"answers": answers, "satisfaction": rng.choice([0, 1, 2, 3] + ([None] if answers else []))}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ledger_and_every_page_hold_after_random_visits_replays_vacancies_reversals_purges_and_false_visits(
        client, app, field, seed):
    rng = random.Random(seed)
    asks = random.Random(seed + 1000)  # the quiz's draws, apart from those of the original sequence
    give_quiz(field.campaign, pass_mark=asks.choice([1, 2]))
    answered = []
    actors = [(field.users[name], households) for name, households in (
        ("worker_a1", field.households_a1), ("volunteer_a", field.households_a1 + field.households_a2),
        ("head_a", field.households_a2), ("worker_b1", field.households_b1), ("head_b", field.households_b1))]
    everyone = field.households_a1 + field.households_a2 + field.households_b1
    files = {}
    sent = []
    done = dict.fromkeys(("confirmed", "reverted", "purged", "found_false", "answered at the door", "answered again"),
                         0)
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)
    storage = app_storage()
    for step in range(90):
        user, households = rng.choice(actors)
        headers = bearer(app, user)
        if user.id not in files:
            files[user.id] = (upload(client, headers, "photo"), upload(client, headers, "signature"))
        photo, signature = files[user.id]
        roll = rng.random()
        if roll < 0.1:  # a head confirms a household vacant, visited or not
            done["confirmed"] += confirm_vacant(rng.choice(everyone))
            _db.session.commit()
            continue
        if roll < 0.18:  # and reverts a confirmation
            vacant = [h for h in everyone if h.occupancy is Occupancy.VACANT]
            if vacant:
                done["reverted"] += revert_vacant(rng.choice(vacant))
                _db.session.commit()
            continue
        if roll < 0.2:  # the campaign's photos, signatures and GPS are purged
            moment, report = dt.datetime.combine(field.campaign.end_date + dt.timedelta(days=2), dt.time(),
                                                 dt.timezone.utc), PurgeReport()
            while purge_step(field.campaign, 0, storage, moment, report):
                _db.session.commit()
            done["purged"] += 1
            continue
        if roll < 0.27:  # a resident answers the quiz on the door page, or the page sends an answer again
            if answered and asks.random() < 0.3:
                household, block, key = asks.choice(answered)
                done["answered again"] += not answer_quiz(household, field.campaign, block, QuizChannel.RESIDENT,
                                                          key)[1]
            else:
                household, block, key = asks.choice(everyone), _random_answer(asks), str(uuid.uuid4())
                done["answered at the door"] += answer_quiz(household, field.campaign, block, QuizChannel.RESIDENT,
                                                            key)[1]
                answered.append((household, block, key))
            _db.session.commit()
            continue
        if sent and roll < 0.31:  # a spot check finds a visit false
            visit = _db.session.get(Visit, rng.choice(sent)[0]["id"])
            if visit.found_false_at is None:
                strike_visit(visit, dt.datetime.now(dt.timezone.utc))
                _db.session.commit()
                done["found_false"] += 1
            continue
        if sent and roll < 0.4:
            payload, who = rng.choice(sent)  # a phone retrying
            response = client.post(f"{API}/visits", json=payload, headers=who)
            assert response.status_code == 200
            continue
        outcome = rng.choice(["contacted", "contacted", "not_home", "not_home", "refused", "vacant"])
        extra = {"visited_at": (start + dt.timedelta(minutes=step * 7)).isoformat()}
        if outcome == "vacant" or rng.random() < 0.6:
            extra["photo_file_id"] = photo
        if outcome == "contacted" and rng.random() < 0.7:
            extra["materials"] = [{"code": rng.choice(["notice", "brochure"]), "quantity": rng.randint(1, 3)}]
        if outcome == "contacted" and rng.random() < 0.5:
            extra["pledge"] = {"signer_name": "张三", "relation": "family", "signature_file_id": signature}
        if outcome == "contacted" and asks.random() < 0.4:  # the quiz asked at the door
            extra["quiz"] = _random_answer(asks)
        payload = visit_payload(field.campaign, rng.choice(households), outcome, **extra)
        if rng.random() < 0.3:
            response = client.post(f"{API}/sync", json={"visits": [payload]}, headers=headers)
            assert response.get_json()["results"][0]["status"] == "created"
        else:
            assert client.post(f"{API}/visits", json=payload, headers=headers).status_code == 201
        sent.append((payload, headers))
        if step == 45:
            assert_invariant(field.campaign)
    confirm_vacant(rng.choice([h for h in everyone if h.occupancy is not Occupancy.VACANT]))
    _db.session.commit()
    assert all(done.values()), done
    assert_invariant(field.campaign)
    assert_every_page_agrees(client, app, field)
    drift = rebuild_ledger(field.campaign)
    assert drift.progress_rows_fixed == 0 and drift.rollups_fixed == []


def test_vacant_households_leave_the_denominator(client, app, field):
    field.households_a1[0].occupancy = Occupancy.VACANT
    _db.session.commit()
    from server.services.ledger.rebuild import refresh_population

    refresh_population(field.campaign)
    _db.session.commit()
    grid = _db.session.get(LedgerArea, (field.campaign.id, field.grid_a1.id))
    assert (grid.households, grid.in_scope) == (10, 9)
    assert_invariant(field.campaign)


def test_rebuild_ledger_finds_and_fixes_drift_and_says_so(runner, client, app, field):
    headers = bearer(app, field.users["worker_a1"])
    client.post(f"{API}/visits", json=visit_payload(field.campaign, field.households_a1[0]), headers=headers)
    row = _db.session.get(LedgerArea, (field.campaign.id, field.community_a.id))
    row.contacted += 5
    _db.session.commit()
    result = runner.invoke(args=["rebuild-ledger", "--campaign", str(field.campaign.id)])
    assert result.exit_code == 0, result.output
    assert f"区域 {field.community_a.id}：contacted 6→1" in result.output
    assert_invariant(field.campaign)
    again = runner.invoke(args=["rebuild-ledger"])
    assert "台账一致，无需修正" in again.output
