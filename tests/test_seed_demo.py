"""`seed-demo` builds a realistic demo city that a head can log in to."""
import re

from sqlalchemy import func, select

from models import Area, AreaLevel, Building, Campaign, CampaignStatus, Household, Role, User
from server.extensions import db as _db
from server.services.demo.city import CITY_CENTER, DEMO_PASSWORD
from server.services.privacy.phones import mobile_number


def seed(runner, *args, activity: str = "0"):
    """``seed-demo`` with its arguments; without simulated field work unless ``activity`` is given (the city is what
    these tests read, and the visits cost nine tenths of the time)."""
    result = runner.invoke(args=["seed-demo", *args, *(["--activity", activity] if activity else [])])
    assert result.exit_code == 0, result.output
    return result


def test_the_demo_city_has_communities_of_every_type_grids_and_households(runner):
    result = seed(runner, "--households", "600")
    assert "600 户" in result.output
    communities = _db.session.scalars(select(Area).where(Area.level == AreaLevel.COMMUNITY)).all()
    assert len(communities) >= 3
    assert len({c.community_type for c in communities}) == len(communities)
    assert _db.session.scalar(select(func.count(Household.id))) == 600
    grids = _db.session.scalar(select(func.count(Area.id)).where(Area.level == AreaLevel.GRID))
    assert grids >= len(communities)
    labels = _db.session.scalars(select(Household.label).limit(50)).all()
    assert all(re.match(r"^\d+栋(\d+单元)?\d+$", label) for label in labels)
    assert _db.session.scalar(select(func.count(Household.id)).where(Household.head_name.is_not(None))) > 300


def test_every_demo_phone_is_a_mobile_the_register_import_reads_back(runner):
    seed(runner, "--households", "300")
    phones = [h.head_phone for h in _db.session.scalars(select(Household)) if h.head_phone]
    assert phones and all(mobile_number(phone) == phone for phone in phones)


def test_demo_buildings_stand_around_the_real_city_centre(runner):
    seed(runner, "--households", "300")
    lat, lng = CITY_CENTER
    for building in _db.session.scalars(select(Building)):
        assert abs(building.lat - lat) < 0.1 and abs(building.lng - lng) < 0.1


def test_the_demo_has_an_active_campaign_with_three_materials_and_a_pledge(runner):
    seed(runner, "--households", "100")
    campaign = _db.session.scalar(select(Campaign))
    assert campaign.status is CampaignStatus.ACTIVE
    assert [m.name for m in campaign.materials] == ["告知书", "承诺书", "宣传手册"]
    assert campaign.current_pledge_text.title == "生活垃圾分类承诺书"


def test_every_community_has_a_head_and_every_grid_a_worker_and_each_login_is_printed(runner):
    result = seed(runner, "--households", "900")
    heads = _db.session.scalars(select(User).where(User.role == Role.COMMUNITY_HEAD)).all()
    communities = _db.session.scalar(select(func.count(Area.id)).where(Area.level == AreaLevel.COMMUNITY))
    assert len(heads) == communities
    workers = _db.session.scalars(select(User).where(User.role == Role.GRID_WORKER)).all()
    grid_ids = {a.id for w in workers for a in w.areas}
    assert grid_ids == set(_db.session.scalars(select(Area.id).where(Area.level == AreaLevel.GRID)))
    for user in heads + workers:
        assert user.username in result.output
    assert DEMO_PASSWORD in result.output
    assert re.search(r"worker\S+\s+[A-Z2-9]{5}-[A-Z2-9]{5}", result.output)


def test_a_demo_head_can_log_in_and_see_their_community_with_two_weeks_of_simulated_visits(runner, client, login):
    result = seed(runner, "--households", "300", activity=None)  # the default share of households visited
    assert re.search(r"已模拟近两周的入户走访 [1-9]\d* 次", result.output)
    response = login("head1", DEMO_PASSWORD, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "应宣传户" in page and "社区" in page


def test_the_same_seed_builds_the_same_city(runner, app):
    seed(runner, "--households", "200", "--seed", "7")
    first = _db.session.scalars(select(Household.head_name).order_by(Household.id)).all()
    from tests.conftest import _truncate_all

    _db.session.remove()
    _truncate_all()
    seed(runner, "--households", "200", "--seed", "7")
    assert _db.session.scalars(select(Household.head_name).order_by(Household.id)).all() == first


def test_seeding_refuses_a_database_that_already_has_data_unless_told_to_skip(runner):
    seed(runner, "--households", "50")
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1 and "已有区域数据" in again.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "跳过" in skipped.output
    assert _db.session.scalar(select(func.count(Household.id))) == 50
