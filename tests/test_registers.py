"""Registers as communities keep them, imported into the area they belong to: title and 填报 rows above the header,
no 街道/社区/网格 columns, the usual header names, an address in one column, 合计 rows, two-row headers, 经度/纬度.
Each form in CSV (GBK) and XLSX; each bad form refused naming row and column, with nothing stored."""
import pytest
from sqlalchemy import func, select

from models import Area, AreaLevel, Building, Household
from server.extensions import db as _db
from server.services.imports.household_files import read_header
from server.services.registry.areas import create_area
from tests.factories import make_tree
from tests.registers import TWO_ROW_HEADER, community_register, households, import_into, two_row_merges, write_records

SUFFIXES = ["csv", "xlsx"]


@pytest.fixture
def tree(db):
    district, street, community, grids = make_tree(grids=("第一网格",))
    _db.session.commit()
    return district, street, community, grids[0]


def _count(model):
    return _db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_community_register_with_a_title_a_填报_row_and_a_合计_row_imports_into_the_community(
        runner, tmp_path, tree, suffix):
    _, _, community, grid = tree
    records = community_register(["序号", "楼栋", "单元", "房号", "户主姓名", "联系电话", "居住状态"], [
        ["1", "3", "2", "501", "张三", "13812345678", "入住"],
        ["2", "3", "2", "502", "李四", "", "空置"],
    ])
    result = import_into(runner, write_records(tmp_path / f"r.{suffix}", records), community)
    assert result.exit_code == 0, result.output
    assert "共 2 行，新增 2 户" in result.output
    stored = households()
    assert set(stored) == {"3栋2单元501", "3栋2单元502"}
    assert stored["3栋2单元501"].floor == 5 and stored["3栋2单元501"].head_name == "张三"
    assert {b.grid_id for b in _db.session.scalars(select(Building))} == {grid.id}  # the community's only grid


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_community_without_grids_gets_one_named_after_it_for_a_register_without_a_网格_column(
        runner, tmp_path, db, suffix):
    district = create_area("清溪区", AreaLevel.DISTRICT)
    community = create_area("滨江社区", AreaLevel.COMMUNITY, create_area("城西街道", AreaLevel.STREET, district))
    _db.session.commit()
    records = community_register(["楼号", "单元号", "门牌号", "户主"], [["1号楼", "1", "101", "张三"]])
    result = import_into(runner, write_records(tmp_path / f"r.{suffix}", records), community)
    assert result.exit_code == 0, result.output
    grid = _db.session.scalar(select(Area).where(Area.level == AreaLevel.GRID))
    assert grid.name == "滨江社区网格" and grid.parent_id == community.id
    assert households()["1号楼1单元101"].building.grid_id == grid.id


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_address_in_one_column_is_read_in_each_common_form(runner, tmp_path, tree, suffix):
    _, _, _, grid = tree
    addresses = ["3栋2单元501室", "3-2-502", "3号楼2单元601", "3幢2单元602", "4栋101", "阳光小区3栋2单元501室"]
    records = community_register(["序号", "家庭住址", "户主", "手机"],
                                 [[str(n), a, "张三", ""] for n, a in enumerate(addresses, 1)])
    result = import_into(runner, write_records(tmp_path / f"r.{suffix}", records), grid)
    assert result.exit_code == 0, result.output
    stored = households()
    assert set(stored) == {"3栋2单元501", "3栋2单元502", "3栋2单元601", "3栋2单元602", "4栋101",
                           "阳光小区3栋2单元501"}
    assert stored["3栋2单元601"].floor == 6 and stored["4栋101"].unit == ""


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_two_row_header_of_merged_cells_is_read_as_one(runner, tmp_path, tree, suffix):
    _, _, community, _ = tree
    upper, lower = TWO_ROW_HEADER
    records = community_register(upper, [lower, ["1", "张三", "3栋", "2", "501", "13812345678"],
                                         ["2", "李四", "3栋", "2", "502", ""]])
    path = write_records(tmp_path / f"r.{suffix}", records, merges=two_row_merges(4))
    header = read_header(path)
    assert header.row == 5 and header.fields[1:6] == ["head_name", "building", "unit", "room", "head_phone"]
    result = import_into(runner, path, community)
    assert result.exit_code == 0, result.output
    assert households()["3栋2单元501"].head_name == "张三"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_小区_column_becomes_part_of_the_building_name(runner, tmp_path, tree, suffix):
    _, _, community, _ = tree
    records = community_register(["小区名称", "楼栋", "单元", "户号"], [["阳光小区", "3", "1", "101"],
                                                                 ["月亮湾", "3", "1", "101"]], title=False)
    result = import_into(runner, write_records(tmp_path / f"r.{suffix}", records), community)
    assert result.exit_code == 0, result.output
    assert set(households()) == {"阳光小区3栋1单元101", "月亮湾3栋1单元101"}


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_经度_and_纬度_columns_place_the_building_and_importing_again_changes_nothing(runner, tmp_path, tree, suffix):
    _, _, community, _ = tree
    records = community_register(["楼栋", "户号", "经度", "纬度"], [["3栋", "501", "106.551556", "29.563009"],
                                                               ["3栋", "502", "106.551556", "29.563009"],
                                                               ["4栋", "101", "", ""]])
    path = write_records(tmp_path / f"r.{suffix}", records)
    result = import_into(runner, path, community)
    assert result.exit_code == 0, result.output
    assert "设置位置 1 栋" in result.output
    positions = {b.name: (b.lat, b.lng) for b in _db.session.scalars(select(Building))}
    assert positions == {"3栋": (29.563009, 106.551556), "4栋": (None, None)}
    again = import_into(runner, path, community)
    assert "新增 0 户，更新 0 户，未变 3 户" in again.output and "设置位置 0 栋" in again.output


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("header, row, expected", [
    (["地址", "户主"], ["金桥路88号院", "张三"], "第 4 行「地址」：无法识别地址：金桥路88号院"),
    (["社区", "楼栋", "户号"], ["滨江社区", "3栋", "501"], "第 4 行「社区」：“滨江社区”不在您的管辖范围内"),
    (["楼栋", "户号", "经度", "纬度"], ["3栋", "501", "29.56", "106.55"], "第 4 行「经度」：29.56 超出范围"),
    (["楼栋", "户号", "经度", "纬度"], ["3栋", "501", "106.55", ""], "第 4 行「纬度」：经度和纬度要么都填，要么都不填"),
    (["楼栋", "户号", "状态"], ["3栋", "501", "搬走了"], "第 4 行「状态」：“搬走了”无法识别"),
], ids=["address", "other community", "swapped coordinates", "one coordinate", "state"])
def test_a_bad_row_is_refused_naming_its_row_and_column_and_nothing_is_stored(
        runner, tmp_path, tree, suffix, header, row, expected):
    _, _, community, _ = tree
    good = ["3栋", "502"] + [""] * (len(header) - 2) if header[0] == "楼栋" else \
        (["3栋2单元502", "李四"] if header[0] == "地址" else ["金桥社区", "3栋", "502"])
    records = community_register(header, [row, good], title=False)  # 填报 row 1, blank row 2, header row 3
    result = import_into(runner, write_records(tmp_path / f"r.{suffix}", records), community)
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "未导入任何数据" in result.output
    assert _count(Household) == 0 and _count(Building) == 0


def test_a_community_with_several_grids_needs_a_网格_column(runner, tmp_path, db):
    _, _, community, _ = make_tree(grids=("第一网格", "第二网格"))
    _db.session.commit()
    path = write_records(tmp_path / "r.csv", [["楼栋", "户号"], ["3栋", "501"]])
    result = import_into(runner, path, community)
    assert result.exit_code == 1
    assert "第 2 行「网格」：社区“金桥社区”有 2 个网格，请填写网格" in result.output
    assert _count(Building) == 0


def test_a_dry_run_prints_the_first_rows_as_stored_and_the_counts_and_keeps_nothing(runner, tmp_path, tree):
    _, _, community, _ = tree
    path = write_records(tmp_path / "r.csv", community_register(["地址", "户主"], [["3-2-501", "张三"]]))
    result = import_into(runner, path, community, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "城西街道\t金桥社区\t第一网格\t3栋\t2\t5\t501\t张三" in result.output
    assert "检查通过（试运行，未保存）" in result.output and "新增 1 户" in result.output
    assert _count(Household) == 0


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_a_two_row_header_is_read_whichever_of_its_rows_names_more_columns(tmp_path, suffix):
    records = [["金桥社区入户宣传台账"], ["户主", "联系电话", "居住状态", "房屋信息", None],
               [None, None, None, "楼栋", "户号"], ["张三", "13812345678", "入住", "3栋", "501"]]
    header = read_header(write_records(tmp_path / f"r.{suffix}", records, merges=["A2:A3", "B2:B3", "C2:C3",
                                                                                 "D2:E2"]))
    assert (header.row, header.fields) == (3, ["head_name", "head_phone", "occupancy", "building", "room"])


def test_a_register_never_moves_a_building_a_head_placed_by_hand_and_says_so(runner, tmp_path, tree):
    from models import PositionSource

    _, _, community, _ = tree
    first = write_records(tmp_path / "r.csv", community_register(["楼栋", "户号", "经度", "纬度"],
                                                                 [["3栋", "501", "106.551556", "29.563009"],
                                                                  ["4栋", "101", "106.552", "29.564"]]))
    import_into(runner, first, community)
    placed = _db.session.scalar(select(Building).where(Building.name == "3栋"))
    assert placed.position_source is PositionSource.IMPORTED
    placed.position_source, placed.lat, placed.lng = PositionSource.PLACED, 29.5, 106.5
    _db.session.commit()
    moved = write_records(tmp_path / "m.csv", community_register(["楼栋", "户号", "经度", "纬度"],
                                                                 [["3栋", "501", "106.56", "29.57"],
                                                                  ["3栋", "502", "106.56", "29.57"],
                                                                  ["4栋", "101", "106.56", "29.57"]]))
    result = import_into(runner, moved, community)
    assert result.exit_code == 0, result.output
    assert "设置位置 1 栋" in result.output and "另有 1 栋已在地图上手工定位，保留原位置" in result.output
    _db.session.expire_all()
    positions = {b.name: (b.lat, b.lng, b.position_source) for b in _db.session.scalars(select(Building))}
    assert positions == {"3栋": (29.5, 106.5, PositionSource.PLACED), "4栋": (29.57, 106.56, PositionSource.IMPORTED)}
