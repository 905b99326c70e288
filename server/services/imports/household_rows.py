"""Checking the rows of a household register, one by one, into the rows an import stores; and the report of
what an import found.

A row is checked by hand, not by a marshmallow schema: at a million rows a schema's per-row overhead would be
most of the import's time. The common case, a good row, is checked in one pass; a bad row is then examined cell
by cell to name every problem, by row and column. A row's door may come from an address in one column
(``3栋2单元501室``), a 小区 becomes part of the building's name (``阳光小区3栋``), the floor is read from the room
when not given (``1203`` is on floor 12), and a phone is a mobile or a landline (``privacy.phones``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from models import CommunityType, Household, Occupancy, household_label
from server.services.imports.household_files import HEADER_OF, LEVELS, SourceRow
from server.services.imports.table_files import RowError
from server.services.privacy.phones import phone_number
from server.services.registry.addresses import parse_address

MAX_LISTED_ERRORS = 200
SAMPLE_ROWS = 20  # the rows a preview shows, as they will be stored
#: Where a position may lie: China, with a margin. Swapped 经度/纬度 columns fall outside.
LAT_RANGE, LNG_RANGE = (3.0, 54.0), (73.0, 136.0)
_OCCUPANCY_WORDS = {
    "": None, "未知": Occupancy.UNKNOWN, "unknown": Occupancy.UNKNOWN,
    "入住": Occupancy.OCCUPIED, "已入住": Occupancy.OCCUPIED, "在住": Occupancy.OCCUPIED,
    "自住": Occupancy.OCCUPIED, "出租": Occupancy.OCCUPIED, "occupied": Occupancy.OCCUPIED,
    "空置": Occupancy.VACANT, "空房": Occupancy.VACANT, "vacant": Occupancy.VACANT,
}
_COMMUNITY_TYPES = {t.value: t for t in CommunityType}
_LENGTHS = {"street": 64, "community": 64, "grid": 64, "building": 64, "unit": 16, "room": 16, "head_name": 64}
_LABEL_LENGTH = Household.__table__.c.label.type.length  # building, unit and room together
_ROW_REQUIRED = ("street", "community", "building", "room")  # grid: see the module's docstring

@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: int = 0
    buildings_created: int = 0
    buildings_placed: int = 0
    positions_kept: int = 0  # buildings placed on the map by hand whose different 经度/纬度 in the file were ignored
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    #: The first rows as they will be stored: (row number, checked row, grid name).
    sample: list[tuple[int, "HouseholdRow", str]] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(error)


class ImportRejected(Exception):
    """Some rows are bad; nothing may be kept. ``report.errors`` names each row and column."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{report.error_count} bad rows")
        self.report = report


class HouseholdRow(NamedTuple):
    """A checked row, normalised: ``unit`` without 单元, ``building`` with 栋 when it was a bare number."""

    street: str
    community: str
    community_type: CommunityType | None
    grid: str
    building: str
    unit: str
    floor: int | None
    room: str
    head_name: str | None
    head_phone: str | None
    occupancy: Occupancy | None
    lat: float | None = None
    lng: float | None = None


def _floor_from_room(room: str) -> int | None:
    # 501 → 5, 1203 → 12: the usual numbering of Chinese flats; none when that is no floor (0001, 9999999901).
    if len(room) >= 3 and room.isdecimal():  # not isdigit: "¹²³" is digits that int() refuses
        floor = int(room[:-2])
        return floor if 0 < floor <= 200 else None
    return None


def _parse_floor(text: str) -> tuple[int | None, str | None]:
    try:
        floor = int(text)
    except ValueError:
        return None, f"“{text}”不是整数"
    if not -5 <= floor <= 200 or floor == 0:
        return None, f"{floor} 不是有效楼层"
    return floor, None


def _parse_phone(text: str) -> tuple[str, str | None]:
    phone = phone_number(text)
    if phone is None:
        return text, f"“{text.replace(' ', '')}”不是有效的手机号或座机号"
    return phone, None


def _row_errors(row: SourceRow) -> list[RowError]:
    """Every problem of a row that failed the quick check, one per cell."""
    v = row.values
    problems: list[tuple[str, str]] = [(name, "不能为空") for name in _ROW_REQUIRED if not v.get(name)]
    problems += [(name, f"不能超过 {limit} 个字") for name, limit in _LENGTHS.items() if len(v.get(name, "")) > limit]
    floor_text = v.get("floor", "").removesuffix("层").strip()
    if floor_text and _parse_floor(floor_text)[1]:
        problems.append(("floor", _parse_floor(floor_text)[1]))
    if v.get("head_phone") and _parse_phone(v["head_phone"])[1]:
        problems.append(("head_phone", _parse_phone(v["head_phone"])[1]))
    if v.get("occupancy", "") not in _OCCUPANCY_WORDS:
        problems.append(("occupancy", f"“{v['occupancy']}”无法识别，请填 入住、空置 或 未知"))
    type_text = v.get("community_type", "")
    if type_text and type_text not in _COMMUNITY_TYPES:
        problems.append(("community_type", f"“{type_text}”无法识别，请填 {'、'.join(_COMMUNITY_TYPES)}"))
    return [RowError(row.number, HEADER_OF[name], message) for name, message in problems]


def _normalised_errors(number: int, building: str, unit: str, room: str) -> list[RowError]:
    """What shows only once a row is normalised: 室 alone, 栋 added to a long number, too long a door label."""
    errors = []
    if not room:
        errors.append(RowError(number, HEADER_OF["room"], "不能为空"))
    if len(building) > _LENGTHS["building"]:
        errors.append(RowError(number, HEADER_OF["building"], f"加上“栋”后超过 {_LENGTHS['building']} 个字"))
    if len(label := household_label(building, unit, room)) > _LABEL_LENGTH:
        errors.append(RowError(number, HEADER_OF["room"],
                               f"楼栋、单元、户号合起来“{label}”超过 {_LABEL_LENGTH} 个字"))
    return errors


def _parse_coordinate(text: str, bounds: tuple[float, float]) -> tuple[float | None, str | None]:
    try:
        value = float(text)
    except ValueError:
        return None, f"“{text}”不是数字"
    if not bounds[0] <= value <= bounds[1]:  # also NaN and inf
        return None, f"{text} 超出范围（应在 {bounds[0]:g} 到 {bounds[1]:g} 之间，GCJ-02 坐标）"
    return value, None


def _expand(row: SourceRow) -> tuple[float, float] | None | list[RowError]:
    """Fill a row's door from its address and 小区 cells, and read its position; or the errors of those cells.

    Columns of their own (楼栋, 单元, 楼层, 户号) win over what the address says.
    """
    v, errors = row.values, []
    address = v.get("address", "")
    if address:
        parsed = parse_address(address)
        if parsed is None:
            errors.append(RowError(row.number, HEADER_OF["address"], f"无法识别地址：{address}"
                                   "（可写作 3栋2单元501室、3-2-501、3号楼2单元501 或 3栋501）"))
        else:
            estate = parsed.estate
            for level in LEVELS[:2]:  # 城西街道金桥社区阳光小区3栋…: the areas are not the 小区
                if v.get(level) and estate.startswith(v[level]):
                    estate = estate[len(v[level]):]
            for name, value in zip(("estate", "building", "unit", "floor", "room"), (estate, *parsed[1:])):
                if value and not v.get(name):
                    v[name] = value
    estate, building = v.get("estate", ""), v.get("building", "")
    if estate and building and not building.startswith(estate):
        v["building"] = estate + (building + "栋" if building.isdigit() else building)
    lat_text, lng_text = v.get("lat", ""), v.get("lng", "")
    position = None
    if lat_text or lng_text:
        if not (lat_text and lng_text):
            missing = "lat" if not lat_text else "lng"
            errors.append(RowError(row.number, HEADER_OF[missing], "经度和纬度要么都填，要么都不填"))
        else:
            lat, lat_problem = _parse_coordinate(lat_text, LAT_RANGE)
            lng, lng_problem = _parse_coordinate(lng_text, LNG_RANGE)
            errors += [RowError(row.number, HEADER_OF[name], problem)
                       for name, problem in (("lat", lat_problem), ("lng", lng_problem)) if problem]
            position = (lat, lng)
    return errors or position


def check_row(row: SourceRow) -> HouseholdRow | list[RowError]:
    """Normalise one source row, or say what is wrong with each bad cell.

    The common case, a good row, is checked in one pass; a bad row is then
    examined cell by cell by ``_row_errors`` to name every problem.
    """
    v = row.values
    get = v.get
    street, community, grid = get("street", ""), get("community", ""), get("grid", "")
    building, room = get("building", ""), get("room", "")
    unit, head_name = get("unit", ""), get("head_name", "")
    position = None
    if "address" in v or "estate" in v or "lat" in v or "lng" in v:
        position = _expand(row)
        if isinstance(position, list):
            door = (HEADER_OF["building"], HEADER_OF["room"]) if any(e.column == HEADER_OF["address"]
                                                                     for e in position) else ()
            return position + [e for e in _row_errors(row) if e.column not in door or e.message != "不能为空"]
        building, room, unit = get("building", ""), get("room", ""), get("unit", "")
    if not (street and community and building and room) or len(street) > 64 or len(community) > 64 \
            or len(grid) > 64 or len(building) > 64 or len(head_name) > 64 or len(unit) > 16 or len(room) > 16:
        return _row_errors(row)
    floor_text, phone = get("floor", "").removesuffix("层").strip(), get("head_phone", "")
    occupancy_text, type_text = get("occupancy", ""), get("community_type", "")
    if occupancy_text not in _OCCUPANCY_WORDS or (type_text and type_text not in _COMMUNITY_TYPES):
        return _row_errors(row)
    room = room.removesuffix("室").strip()
    if floor_text:
        floor, problem = _parse_floor(floor_text)
        if problem:
            return _row_errors(row)
    else:
        floor = _floor_from_room(room)
    if phone:
        phone, problem = _parse_phone(phone)
        if problem:
            return _row_errors(row)
    if building.isdigit():
        building += "栋"
    unit = unit.removesuffix("单元").strip()
    label_length = len(building) + len(room) + (len(unit) + len("单元") if unit else 0)  # household_label's, unbuilt
    if not room or len(building) > _LENGTHS["building"] or label_length > _LABEL_LENGTH:
        return _normalised_errors(row.number, building, unit, room)
    return HouseholdRow(street, community, _COMMUNITY_TYPES.get(type_text) if type_text else None, grid, building,
                        unit, floor, room, head_name or None, phone or None, _OCCUPANCY_WORDS[occupancy_text],
                        *(position or (None, None)))
