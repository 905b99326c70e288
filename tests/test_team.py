"""The team as a service: who is on an area's team, whom a head manages, what the invite QR code holds."""
import io

from PIL import Image

from models import Role
from server.services.canvassing.team import invite_payload, invite_qr_png, team_of, workers_under
from tests.factories import make_user


def test_the_team_of_an_area_is_its_field_workers_and_volunteers_each_once_by_name(field):
    both = make_user(Role.VOLUNTEER, [field.grid_a1, field.grid_a2], name="吴两格", username="both")
    names = [w.name for w in workers_under(field.community_a)]
    assert names == sorted(["王网格", "钱志愿", "吴两格"]) and names.count("吴两格") == 1
    assert both in workers_under(field.grid_a2) and field.users["worker_a1"] not in workers_under(field.grid_a2)
    assert field.users["head_a"] not in workers_under(field.community_a), "heads are not on the team they run"


def test_a_head_manages_only_the_workers_whose_every_area_is_theirs(field):
    shared = make_user(Role.GRID_WORKER, [field.grid_a1, field.grid_b1], name="跨社区", username="shared")
    team = team_of(field.users["head_a"], field.community_a)
    assert shared in team.workers and shared.id not in team.managed
    assert field.users["worker_a1"].id in team.managed
    assert shared.id in team_of(field.users["street_admin"], field.street).managed


def test_the_invite_qr_code_holds_the_code_after_the_prefix_the_mini_program_reads(field):
    assert invite_payload("ABCDE-FGHJK") == "QIAOMEN-INVITE:ABCDE-FGHJK"
    assert Image.open(io.BytesIO(invite_qr_png("ABCDE-FGHJK"))).format == "PNG"
