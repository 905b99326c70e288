"""Where a user may import a register: only into an area they see, checked when it is uploaded and at every step."""
import io

import pytest

from server.extensions import db as _db
from server.services.access.scope import OutOfScope
from server.services.imports.staged import NotStaged, get_staged, may_import_into, stage_import

REGISTER = "楼栋,单元,房号\n1栋,1,101\n".encode()


def test_a_head_imports_into_their_community_and_what_lies_beneath_it_and_nowhere_else(field):
    head = field.users["head_a"]
    assert may_import_into(head, field.community_a) and may_import_into(head, field.grid_a2)
    assert not may_import_into(head, field.community_b) and not may_import_into(head, field.street)


def test_an_upload_for_an_area_beyond_the_users_is_refused_and_kept_nowhere(field):
    with pytest.raises(OutOfScope):
        stage_import(io.BytesIO(REGISTER), "住户.csv", field.users["head_a"], field.community_b)


def test_an_upload_is_found_with_its_area_only_by_its_uploader_while_the_area_is_still_theirs(field):
    head = field.users["head_a"]
    token = stage_import(io.BytesIO(REGISTER), "住户.csv", head, field.grid_a1)
    assert get_staged(head, token).area == field.grid_a1
    with pytest.raises(NotStaged):
        get_staged(field.users["head_b"], token)
    head.areas = [field.grid_a2]
    _db.session.flush()
    with pytest.raises(NotStaged):
        get_staged(head, token)
