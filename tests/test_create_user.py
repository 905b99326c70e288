"""`create-user` makes staff accounts: passwords for web roles, one-time invite codes for workers."""
import datetime as dt
import re

from sqlalchemy import select

from models import InviteCode, Role, User
from server.extensions import db as _db
from server.services.access.accounts import find_invite
from tests.factories import make_tree


def test_a_community_head_gets_a_password_that_logs_in(runner, login):
    _, _, community, _ = make_tree()
    _db.session.commit()
    result = runner.invoke(args=["create-user", "--role", "community_head", "--area", str(community.id),
                                 "--name", "张三", "--username", "zhangsan"])
    assert result.exit_code == 0, result.output
    password = re.search(r"初始密码：(\S+)（", result.output).group(1)
    assert login("zhangsan", password).status_code == 302


def test_a_grid_worker_gets_a_one_time_invite_code_that_expires(runner, app):
    *_, grids = make_tree()
    _db.session.commit()
    result = runner.invoke(args=["create-user", "--role", "grid_worker", "--area", str(grids[0].id),
                                 "--name", "李四"])
    assert result.exit_code == 0, result.output
    code = re.search(r"一次性邀请码：(\S+)（", result.output).group(1)
    user = _db.session.scalar(select(User).where(User.name == "李四"))
    assert user.role is Role.GRID_WORKER and user.password_hash is None
    invite = find_invite(code.lower())
    assert invite is not None and invite.user_id == user.id
    stored = _db.session.scalar(select(InviteCode))
    assert code.replace("-", "") not in stored.code_hash  # only a hash is kept
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=app.config["INVITE_TTL_HOURS"] + 1)
    assert find_invite(code, now=later) is None


def test_a_role_given_an_area_of_the_wrong_level_is_refused(runner):
    _, street, _, grids = make_tree()
    _db.session.commit()
    result = runner.invoke(args=["create-user", "--role", "community_head", "--area", str(grids[0].id),
                                 "--name", "王五"])
    assert result.exit_code == 1
    assert "社区负责人只能分配到社区" in result.output
    assert _db.session.scalar(select(User)) is None


def test_an_unknown_area_is_refused(runner):
    result = runner.invoke(args=["create-user", "--role", "street_admin", "--area", "999", "--name", "王五"])
    assert result.exit_code == 2
    assert "没有编号为 999 的区域" in result.output
