"""Importing a household register: all rows or none, idempotent, in CSV or XLSX, errors in Chinese."""
import pytest
from sqlalchemy import func, select

from models import Area, AreaLevel, Building, CommunityType, Household, Occupancy
from server.extensions import db as _db
from server.services.imports.household_files import FileFormatError, read_household_file
from tests.registers import GOOD_ROWS, HEADER, households, import_file, write_csv, write_xlsx


@pytest.mark.parametrize("writer, suffix", [(write_csv, "csv"), (write_xlsx, "xlsx")])
def test_a_good_file_creates_areas_buildings_and_households(runner, tmp_path, writer, suffix):
    result = import_file(runner, writer(tmp_path / f"register.{suffix}", GOOD_ROWS))
    assert result.exit_code == 0, result.output
    assert "新增 4 户" in result.output
    rows = households()
    assert set(rows) == {"3栋2单元501", "3栋2单元502", "4栋1单元1203", "1号楼101"}
    zhang = rows["3栋2单元501"]
    assert (zhang.head_name, zhang.head_phone, zhang.occupancy, zhang.floor) == (
        "张三", "13812345678", Occupancy.OCCUPIED, 5)
    assert rows["3栋2单元502"].occupancy is Occupancy.VACANT and rows["3栋2单元502"].floor == 5
    assert rows["4栋1单元1203"].floor == 12 and rows["4栋1单元1203"].head_phone == "023-79221234"
    assert rows["4栋1单元1203"].occupancy is Occupancy.UNKNOWN
    assert rows["1号楼101"].head_phone == "13900001111"
    levels = dict(_db.session.execute(select(Area.level, func.count()).group_by(Area.level)).all())
    assert levels == {AreaLevel.DISTRICT: 1, AreaLevel.STREET: 1, AreaLevel.COMMUNITY: 2, AreaLevel.GRID: 3}
    assert _db.session.scalar(select(func.count(Building.id))) == 3


def test_importing_the_same_file_twice_changes_nothing(runner, tmp_path):
    path = write_csv(tmp_path / "r.csv", GOOD_ROWS)
    assert import_file(runner, path).exit_code == 0
    before = {label: (h.id, h.updated_at) for label, h in households().items()}
    second = import_file(runner, path)
    assert second.exit_code == 0, second.output
    assert "新增 0 户，更新 0 户，未变 4 户" in second.output
    assert "新建区域 0 个，楼栋 0 栋" in second.output
    _db.session.expire_all()
    assert {label: (h.id, h.updated_at) for label, h in households().items()} == before


def test_a_changed_file_updates_households_and_blank_cells_erase_nothing(runner, tmp_path):
    assert import_file(runner, write_csv(tmp_path / "a.csv", GOOD_ROWS)).exit_code == 0
    changed = [list(r) for r in GOOD_ROWS]
    changed[0][7], changed[0][8] = "张三丰", ""  # new name, phone left blank
    changed[1][9] = "入住"
    result = import_file(runner, write_csv(tmp_path / "b.csv", changed))
    assert "更新 2 户" in result.output, result.output
    _db.session.expire_all()
    rows = households()
    assert rows["3栋2单元501"].head_name == "张三丰"
    assert rows["3栋2单元501"].head_phone == "13812345678"
    assert rows["3栋2单元502"].occupancy is Occupancy.OCCUPIED


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column(runner, tmp_path):
    rows = GOOD_ROWS + [
        ["城西街道", "金桥社区", "第一网格", "5栋", "1", "三", "301", "赵六", "12345", "入住"],
        ["城西街道", "", "第一网格", "5栋", "1", "", "302", "", "", "搬走了"],
    ]
    result = import_file(runner, write_csv(tmp_path / "bad.csv", rows))
    assert result.exit_code == 1
    assert "第 6 行「楼层」：“三”不是整数" in result.output
    assert "第 6 行「电话」：“12345”不是有效的手机号或座机号" in result.output
    assert "第 7 行「社区」：不能为空" in result.output
    assert "第 7 行「状态」：“搬走了”无法识别" in result.output
    assert "未导入任何数据" in result.output
    assert _db.session.scalar(select(func.count(Household.id))) == 0
    assert _db.session.scalar(select(func.count(Area.id))) == 0


def test_the_same_household_twice_in_one_file_is_an_error_naming_both_rows(runner, tmp_path):
    result = import_file(runner, write_csv(tmp_path / "dup.csv", GOOD_ROWS + [GOOD_ROWS[0]]))
    assert result.exit_code == 1
    assert "第 6 行「户号」：与第 2 行是同一户" in result.output


def test_a_building_cannot_move_to_another_grid_by_import(runner, tmp_path):
    moved = ["城西街道", "金桥社区", "第二网格", "3栋", "2", "", "601", "", "", ""]
    result = import_file(runner, write_csv(tmp_path / "m.csv", GOOD_ROWS + [moved]))
    assert result.exit_code == 1
    assert "第 6 行「网格」：楼栋“3栋”已属于另一个网格" in result.output


def test_a_dry_run_checks_everything_and_keeps_nothing(runner, tmp_path):
    result = import_file(runner, write_csv(tmp_path / "r.csv", GOOD_ROWS), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.output and "新增 4 户" in result.output
    assert _db.session.scalar(select(func.count(Household.id))) == 0
    assert _db.session.scalar(select(func.count(Area.id))) == 0


def test_a_gbk_csv_saved_by_excel_reads_as_chinese(runner, tmp_path):
    result = import_file(runner, write_csv(tmp_path / "gbk.csv", GOOD_ROWS, encoding="gbk"))
    assert result.exit_code == 0, result.output
    assert households()["3栋2单元501"].head_name == "张三"


def test_a_header_without_required_columns_is_refused_in_chinese(runner, tmp_path):
    path = write_csv(tmp_path / "h.csv", [["x"]], header=["街道", "楼栋"])
    result = import_file(runner, path)
    assert result.exit_code == 1
    assert "表头缺少列：社区、户号" in result.output


def test_the_community_type_column_sets_the_type_of_new_communities(runner, tmp_path):
    rows = [r + ["商品房小区"] for r in GOOD_ROWS]
    assert import_file(runner, write_csv(tmp_path / "t.csv", rows, header=HEADER + ["社区类型"])).exit_code == 0
    community = _db.session.scalar(select(Area).where(Area.name == "金桥社区"))
    assert community.community_type is CommunityType.COMMERCIAL_ESTATE


def test_other_file_types_are_refused(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("x")
    with pytest.raises(FileFormatError, match="只支持"):
        read_household_file(path)


def test_ten_thousand_rows_import_and_reimport_cleanly(runner, tmp_path):
    rows = []
    for n in range(10_000):
        community, building, unit, floor, room = divmod(n, 5000)[0], n // 100, n // 50 % 2 + 1, n % 50 // 2 + 1, n % 2 + 1
        rows.append(["城西街道", f"社区{community}", f"网格{building % 4}", f"{building}栋", str(unit), str(floor),
                     f"{floor}{room:02d}", "张三", "", "入住"])
    path = write_csv(tmp_path / "big.csv", rows)
    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "共 10000 行，新增 10000 户" in result.output
    assert _db.session.scalar(select(func.count(Household.id))) == 10_000
    again = import_file(runner, path)
    assert "未变 10000 户" in again.output
    assert _db.session.scalar(select(func.count(Household.id))) == 10_000


def test_the_same_household_in_distant_rows_is_caught_across_batches(db, tmp_path):
    from models import AreaLevel
    from server.services.imports.household_files import read_household_file
    from server.services.imports.households import ImportRejected, import_households
    from server.services.registry.areas import create_area

    path = write_csv(tmp_path / "far.csv", GOOD_ROWS + [GOOD_ROWS[0]])
    district = create_area("清溪区", AreaLevel.DISTRICT)
    with pytest.raises(ImportRejected) as rejected:
        import_households(read_household_file(path), district, batch_size=2)
    assert [str(e) for e in rejected.value.report.errors] == ["第 6 行「户号」：与文件中前面的一行是同一户"]
