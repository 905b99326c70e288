"""create-campaign, activate-campaign and end-campaign: the new campaign's id alone on stdout, errors one Chinese line
on stderr with nothing saved."""
import pytest
from sqlalchemy import func, select

from models import AuditEvent, Campaign, CampaignStatus
from server.extensions import db as _db
from tests.factories import make_tree


@pytest.fixture
def street(db):
    _, street, _, _ = make_tree()
    db.session.commit()
    return street


@pytest.fixture
def texts(tmp_path):
    pledge, notice = tmp_path / "pledge.txt", tmp_path / "notice.txt"
    pledge.write_text("本户承诺：分类投放，带动邻居。\n", encoding="utf-8")
    notice.write_text("尊敬的居民：本社区开展垃圾分类敲门行动。", encoding="utf-8")
    return pledge, notice


def _create(runner, street, pledge, *extra):
    return runner.invoke(args=["create-campaign", "--area", str(street.id), "--name", "城西街道冬季敲门行动",
                               "--start", "2026-12-01", "--end", "2026-12-31", "--pledge-text", str(pledge), *extra])


def test_create_campaign_prints_only_the_new_id_and_makes_a_draft_with_the_named_materials(runner, street, texts):
    pledge, notice = texts
    result = _create(runner, street, pledge, "--material", "告知书", "--material", "承诺书", "--material", "宣传手册",
                     "--material", "冰箱贴", "--notice-text", str(notice), "--pledge-title", "垃圾分类承诺书")
    assert result.exit_code == 0, result.output
    campaign = _db.session.get(Campaign, int(result.stdout.strip()))
    assert result.stdout == f"{campaign.id}\n" and "已创建" in result.stderr
    assert campaign.status is CampaignStatus.DRAFT and campaign.area_id == street.id
    assert [(m.code, m.name) for m in campaign.materials] == [
        ("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册"), ("m1", "冰箱贴")]
    assert campaign.current_pledge_text.title == "垃圾分类承诺书"
    assert campaign.current_pledge_text.body == "本户承诺：分类投放，带动邻居。"
    assert campaign.current_notice_text.body == "尊敬的居民：本社区开展垃圾分类敲门行动。"


def test_activate_and_end_campaign_move_it_along_and_are_audited(runner, street, texts):
    campaign_id = _create(runner, street, texts[0]).stdout.strip()
    assert runner.invoke(args=["activate-campaign", campaign_id]).exit_code == 0
    assert _db.session.get(Campaign, int(campaign_id)).status is CampaignStatus.ACTIVE
    again = runner.invoke(args=["activate-campaign", campaign_id])
    assert again.exit_code == 1 and "只有筹备中的活动可以启用" in again.stderr
    assert runner.invoke(args=["end-campaign", campaign_id]).exit_code == 0
    _db.session.expire_all()
    assert _db.session.get(Campaign, int(campaign_id)).status is CampaignStatus.CLOSED
    assert _db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "create_campaign", "activate_campaign", "end_campaign"]


def test_create_campaign_with_activate_starts_it_and_refuses_an_overlapping_second(runner, street, texts):
    first = _create(runner, street, texts[0], "--activate")
    assert first.exit_code == 0
    assert _db.session.get(Campaign, int(first.stdout)).status is CampaignStatus.ACTIVE
    second = _create(runner, street, texts[0], "--activate")
    assert second.exit_code == 1 and second.stdout == ""
    assert "城西街道冬季敲门行动" in second.stderr and "正在进行" in second.stderr
    assert _db.session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("change, words", [
    ({"--end": "2026-11-01"}, "结束日期不能早于开始日期"),
    ({"--end": "2026-13-01"}, "日期“2026-13-01”无效"),
    ({"--area": "999"}, "没有编号为 999 的区域"),
    ({"--pledge-text": "missing.txt"}, "不存在"),
    ({"--pledge-text": "empty"}, "承诺书正文不能为空"),
    ({"--name": " "}, "请填写活动名称"),
])
def test_bad_input_is_one_chinese_line_and_saves_nothing(runner, street, texts, tmp_path, change, words):
    args = {"--area": str(street.id), "--name": "冬季行动", "--start": "2026-12-01", "--end": "2026-12-31",
            "--pledge-text": str(texts[0])}
    if change.get("--pledge-text") == "empty":
        (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
        change = {"--pledge-text": str(tmp_path / "empty.txt")}
    args.update(change)
    result = runner.invoke(args=["create-campaign", *[part for pair in args.items() for part in pair]])
    assert result.exit_code == 1 and result.stdout == ""
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.output and "Error" not in result.output
    assert _db.session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_duplicate_materials_are_refused(runner, street, texts):
    result = _create(runner, street, texts[0], "--material", "告知书", "--material", "告知书")
    assert result.exit_code == 1 and "重复" in result.stderr
    assert _db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize("command", ["activate-campaign", "end-campaign"])
def test_an_unknown_campaign_is_named_in_one_line(runner, street, command):
    result = runner.invoke(args=[command, "999"])
    assert result.exit_code == 1 and result.stderr.strip() == "没有编号为 999 的活动"
