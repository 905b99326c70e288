"""One header reader (``table_files``) for the register and the roster: what one finds, the other finds."""
import pytest

from server.services.imports.household_files import read_household_file
from server.services.imports.roster import read_roster
from server.services.imports.table_files import MissingColumns
from tests.rosters import write_csv


def test_a_roster_header_is_read_as_a_registers_is_marked_spaced_and_under_a_title_with_totals_skipped(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["张三", "13812345678", "第一网格"], ["合计", "1 人", ""]],
                     header=["姓 名*", "手机号码", "所属网格"], title="金桥社区网格员名单")
    assert [(r.number, r.values) for r in read_roster(path)] == [
        (3, {"name": "张三", "phone": "13812345678", "grid": "第一网格"})]


def test_a_header_of_two_rows_from_merged_cells_is_read_for_the_roster_as_for_the_register(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("人员,联系方式,\n姓名,手机,网格\n张三,13812345678,第一网格\n", encoding="utf-8")
    assert [r.values for r in read_roster(roster)] == [{"name": "张三", "phone": "13812345678", "grid": "第一网格"}]
    register = tmp_path / "h.csv"
    register.write_text("房屋信息,\n楼栋,户号\n3,501\n", encoding="utf-8")
    assert [r.values for r in read_household_file(register, required=("building", "room"))] == [
        {"building": "3", "room": "501"}]


def test_a_missing_column_is_named_the_same_way_for_both_tables(tmp_path):
    roster = write_csv(tmp_path / "r.csv", [["张三", "第一网格"]], header=["姓名", "网格"])
    register = write_csv(tmp_path / "h.csv", [["3"]], header=["楼栋"])
    for rows, column in ((read_roster(roster), "手机"), (read_household_file(register, required=("building", "room")),
                                                       "户号")):
        with pytest.raises(MissingColumns, match=f"第 1 行表头缺少列：{column}。"):
            list(rows)
