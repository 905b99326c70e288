"""`flask db upgrade` builds, from empty, exactly the schema the models describe, on each database."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from models import Base
from server.app import create_app
from server.extensions import db
from tests.databases import RunDatabase, backends, create_postgres_database


@pytest.fixture(params=backends())
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        run_db = RunDatabase("sqlite", f"sqlite:///{tmp_path / 'migrate.db'}")
    else:
        run_db = create_postgres_database("migrations")
    yield run_db
    if run_db.drop:
        run_db.drop()


@pytest.fixture
def migration_app(empty_database, tmp_path):
    app = create_app({"QIAOMEN_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database.url,
                      "UPLOAD_DIR": str(tmp_path)})
    with app.app_context():
        yield app
        db.engine.dispose()


def _differences():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_upgrade_from_empty_builds_every_table_the_models_declare(migration_app):
    upgrade()
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_the_migrated_schema_matches_the_models_exactly(migration_app):
    upgrade()
    assert _differences() == []


def test_downgrade_to_base_and_upgrade_again_round_trips(migration_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _differences() == []


def test_households_that_existed_before_door_tokens_get_distinct_tokens(migration_app):
    from sqlalchemy import text

    upgrade(revision="0001_registry")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO area (id, level, name, path, created_at) VALUES "
                          "(1, 'district', '清溪区', '/1/', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO building (id, community_id, grid_id, name, created_at) "
                          "VALUES (1, 1, 1, '1栋', CURRENT_TIMESTAMP)"))
        for room in range(101, 126):
            conn.execute(text("INSERT INTO household (building_id, unit, room, label, occupancy, created_at, "
                              "updated_at) VALUES (1, '', :room, :room, 'unknown', CURRENT_TIMESTAMP, "
                              "CURRENT_TIMESTAMP)"), {"room": str(room)})
    upgrade()
    with db.engine.connect() as conn:
        tokens = conn.execute(text("SELECT token FROM household")).scalars().all()
    assert len(tokens) == 25 and len(set(tokens)) == 25 and all(len(t) == 16 for t in tokens)
    assert _differences() == []


def test_phones_and_visit_gps_stored_before_encryption_are_encrypted_in_place_and_back_again(migration_app):
    from sqlalchemy import select, text

    from models import Household, Visit

    upgrade(revision="0004_dashboard")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO area (id, level, name, path, created_at) VALUES "
                          "(1, 'district', '清溪区', '/1/', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO building (id, community_id, grid_id, name, created_at) "
                          "VALUES (1, 1, 1, '1栋', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO household (id, building_id, unit, room, label, occupancy, head_phone, token, "
                          "created_at, updated_at) VALUES (1, 1, '', '101', '1栋101', 'occupied', '13812345678', "
                          "'abcdefghijklmnop', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO \"user\" (id, username, name, role, active, token_version, failed_logins, created_at) "
                          "VALUES (1, 'w', '王网格', 'grid_worker', true, 0, 0, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO campaign (id, area_id, name, start_date, end_date, status, created_at) "
                          "VALUES (1, 1, '敲门行动', '2026-11-01', '2026-12-31', 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO visit (id, campaign_id, household_id, worker_id, outcome, visited_at, "
                          "received_at, lat, lng, request_sha256, progress_json) VALUES ('v1', 1, 1, 1, 'not_home', "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 29.5316, 108.7713, 'x', '{}')"))
    upgrade()
    assert _differences() == []
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT h.head_phone, h.head_phone_index, v.lat, v.lng FROM household h, visit v")).one()
    assert "13812345678" not in raw[0] and len(raw[1]) == 32 and "29.53" not in raw[2] and "108.77" not in raw[3]
    household = db.session.get(Household, 1)
    visit = db.session.scalar(select(Visit))
    assert (household.head_phone, visit.lat, visit.lng) == ("13812345678", 29.5316, 108.7713)
    assert db.session.scalar(select(Household.id).where(Household.head_phone_index == raw[1])) == 1
    db.session.rollback()

    downgrade(revision="0004_dashboard")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT head_phone FROM household")).scalar() == "13812345678"
        assert conn.execute(text("SELECT lat FROM visit")).scalar() == 29.5316


def test_buildings_placed_before_position_sources_count_as_imported_and_half_positions_are_cleared(migration_app):
    from sqlalchemy import text

    upgrade(revision="0009_login_locks")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO area (id, level, name, path, created_at) VALUES "
                          "(1, 'district', '清溪区', '/1/', CURRENT_TIMESTAMP)"))
        for building_id, lat, lng in ((1, 29.53, 108.77), (2, None, None), (3, 29.54, None)):
            conn.execute(text("INSERT INTO building (id, community_id, grid_id, name, lat, lng, created_at) "
                              "VALUES (:id, 1, 1, :name, :lat, :lng, CURRENT_TIMESTAMP)"),
                         {"id": building_id, "name": f"{building_id}栋", "lat": lat, "lng": lng})
    upgrade()
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, lat, lng, position_source FROM building ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, 29.53, 108.77, "imported"), (2, None, None, None),
                                            (3, None, None, None)]
    assert _differences() == []


def test_a_notice_kept_in_its_material_becomes_the_first_notice_version_and_goes_back_on_downgrade(migration_app):
    import hashlib

    from sqlalchemy import text

    upgrade(revision="0009_login_locks")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO area (id, level, name, path, created_at) VALUES "
                          "(1, 'district', '清溪区', '/1/', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO campaign (id, area_id, name, start_date, end_date, status, created_at) "
                          "VALUES (1, 1, '敲门行动', '2026-11-01', '2026-12-31', 'active', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO material (campaign_id, code, name, body, sort_order) VALUES "
                          "(1, 'notice', '告知书', '请分类投放。', 0), (1, 'brochure', '宣传手册', NULL, 1)"))
    upgrade()
    assert _differences() == []
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT campaign_id, version, body, sha256 FROM notice_text")).all()
    assert [tuple(r) for r in rows] == [(1, 1, "请分类投放。", hashlib.sha256("请分类投放。".encode()).hexdigest())]
    downgrade(revision="0009_login_locks")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT body FROM material WHERE code = 'notice'")).scalar() == "请分类投放。"


def test_feedback_phones_move_onto_the_encrypted_column_and_any_stored_in_the_clear_are_encrypted(migration_app):
    from sqlalchemy import select, text

    from models import Feedback
    from server.services.privacy.crypto import cipher

    upgrade(revision="0013_mapping")
    sealed = cipher().encrypt("13911112222")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO area (id, level, name, path, created_at) VALUES "
                          "(1, 'district', '清溪区', '/1/', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO building (id, community_id, grid_id, name, created_at) "
                          "VALUES (1, 1, 1, '1栋', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO household (id, building_id, unit, room, label, occupancy, token, "
                          "created_at, updated_at) VALUES (1, 1, '', '101', '1栋101', 'occupied', "
                          "'abcdefghijklmnop', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO campaign (id, area_id, name, start_date, end_date, status, created_at) "
                          "VALUES (1, 1, '敲门行动', '2026-11-01', '2026-12-31', 'active', CURRENT_TIMESTAMP)"))
        for feedback_id, phone in ((1, sealed), (2, "13812345678"), (3, None)):
            conn.execute(text("INSERT INTO feedback (id, campaign_id, household_id, channel, category, text, "
                              "contact_phone_encrypted, status, needs_review, created_at) VALUES (:id, 1, 1, "
                              "'resident_phone', 'other', '请回电', :phone, 'open', false, CURRENT_TIMESTAMP)"),
                         {"id": feedback_id, "phone": phone})
    upgrade()
    assert _differences() == []
    with db.engine.connect() as conn:
        raw = conn.execute(text("SELECT contact_phone FROM feedback ORDER BY id")).scalars().all()
    assert raw[0] == sealed and "13812345678" not in raw[1] and raw[2] is None
    phones = db.session.scalars(select(Feedback.contact_phone).order_by(Feedback.id)).all()
    assert phones == ["13911112222", "13812345678", None]
    db.session.rollback()

    downgrade(revision="0013_mapping")
    with db.engine.connect() as conn:
        kept = conn.execute(text("SELECT contact_phone_encrypted FROM feedback ORDER BY id")).scalars().all()
    assert [cipher().decrypt(value) for value in kept] == ["13911112222", "13812345678", None]
