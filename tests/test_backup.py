"""`flask backup` copies a SQLite database while visits keep arriving; the copy opens and its ledger adds up."""
import threading
import time

from sqlalchemy import create_engine, func, select, text

from miniprogram_api.visits import VisitIn
from models import Campaign, Household, User, Visit
from server.app import create_app
from server.extensions import db as _db
from server.services.canvassing.visits import record_visit
from server.services.ledger.rebuild import rebuild_ledger
from tests.field import visit_payload


def _wait_for(sent: list, count: int, errors: list) -> None:
    deadline = time.monotonic() + 60
    while len(sent) < count and not errors and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not errors and len(sent) >= count, errors


def _keep_visiting(app, field, stop: threading.Event, sent: list, errors: list) -> None:
    try:
        _visit_until(app, field, stop, sent)
    except Exception as error:  # surfaced by the test
        errors.append(repr(error))


def _visit_until(app, field, stop: threading.Event, sent: list) -> None:
    worker_id, campaign_id = field.users["worker_a1"].id, field.campaign.id
    household_ids = [h.id for h in field.households_a1]
    with app.app_context():
        worker, campaign = _db.session.get(User, worker_id), _db.session.get(Campaign, campaign_id)
        while not stop.is_set():
            household = _db.session.get(Household, household_ids[len(sent) % len(household_ids)])
            payload = VisitIn().load(visit_payload(campaign, household, outcome="not_home"))
            record_visit(worker, payload)
            _db.session.commit()
            sent.append(payload["id"])


def test_a_backup_taken_while_visits_are_written_opens_with_a_ledger_that_adds_up(app, runner, database, field,
                                                                                  tmp_path):
    target = tmp_path / "copy.db"
    if database.backend == "postgresql":
        result = runner.invoke(args=["backup", "-o", str(target)])
        assert result.exit_code == 1 and "pg_dump --format=custom" in result.output and not target.exists()
        return
    _db.session.commit()
    stop, sent, errors = threading.Event(), [], []
    writer = threading.Thread(target=_keep_visiting, args=(app, field, stop, sent, errors))
    writer.start()
    try:
        _wait_for(sent, 20, errors)
        result = runner.invoke(args=["backup", "-o", str(target)])
        _wait_for(sent, len(sent) + 20, errors)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "已备份到" in result.output

    engine = create_engine(f"sqlite:///{target}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        copied = conn.execute(select(func.count()).select_from(Visit.__table__)).scalar()
    engine.dispose()
    assert 20 <= copied < len(sent), "a snapshot from the middle of the writing"

    restored = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with restored.app_context():
        drift = rebuild_ledger(_db.session.get(Campaign, field.campaign.id))
        assert (drift.progress_rows_fixed, drift.rollups_fixed) == (0, []), "the copy's ledger equals a recount"
        _db.session.rollback()
        _db.engine.dispose()
