"""An address in one register cell is read as building, unit, floor and room, for the forms registers use."""
import pytest

from server.services.registry.addresses import Address, parse_address

READ = [
    ("3栋2单元501室", Address("", "3栋", "2", "", "501")),
    ("3栋2单元501", Address("", "3栋", "2", "", "501")),
    ("3-2-501", Address("", "3栋", "2", "", "501")),
    ("3号楼2单元501", Address("", "3栋", "2", "", "501")),
    ("3幢2单元501", Address("", "3栋", "2", "", "501")),
    ("3栋501", Address("", "3栋", "", "", "501")),
    ("3栋501室", Address("", "3栋", "", "", "501")),
    ("3-501", Address("", "3栋", "", "", "501")),
    ("阳光小区3栋2单元501室", Address("阳光小区", "3栋", "2", "", "501")),
    ("阳光小区3-2-501", Address("阳光小区", "3栋", "2", "", "501")),
    ("阳光1期12号楼1单元1203", Address("阳光1期", "12栋", "1", "", "1203")),
    ("12栋2单元15层1503", Address("", "12栋", "2", "15", "1503")),
    ("A座1单元101", Address("", "A座", "1", "", "101")),
    ("３栋２单元５０１室", Address("", "3栋", "2", "", "501")),
    ("3 栋 2 单元 501 室", Address("", "3栋", "2", "", "501")),
    ("3－2－501", Address("", "3栋", "2", "", "501")),
    ("13-2-501", Address("", "13栋", "2", "", "501")),
]
UNREAD = ["", "3栋", "二单元501", "阳光小区", "金桥路88号院", "3栋2单元", "501", "3--501", "三栋二单元五零一"]


@pytest.mark.parametrize("text, address", READ, ids=[t for t, _ in READ])
def test_an_address_in_a_known_form_is_read_into_its_parts(text, address):
    assert parse_address(text) == address


@pytest.mark.parametrize("text", UNREAD)
def test_an_address_in_no_known_form_is_not_guessed(text):
    assert parse_address(text) is None
