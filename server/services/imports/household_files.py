"""The household register as a table (``table_files``): the headers of its columns, and reading it.

A register is the sheet a community keeps, not one we defined: ``table_files`` finds its header among the
first 15 rows, reads the usual synonyms, and lets the user map a column it does not know to a field.
An address column holds 楼栋 and 户号.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from server.services.imports.table_files import FileFormatError, Header, MissingColumns, SourceRow, TableSpec
from server.services.imports.table_files import read_header as read_table_header
from server.services.imports.table_files import read_table

#: Field name → the Chinese headers accepted for it (the first is the canonical one, used in messages).
COLUMNS: dict[str, tuple[str, ...]] = {
    "street": ("街道", "街道（镇）", "镇街", "所属街道"),
    "community": ("社区", "社区（村）", "村社区", "所属社区"),
    "community_type": ("社区类型", "小区类型"),
    "grid": ("网格", "网格名称", "所属网格"),
    "estate": ("小区", "小区名称"),
    "address": ("地址", "家庭住址", "住址", "详细地址", "房屋地址"),
    "building": ("楼栋", "楼栋号", "楼号", "栋", "栋号", "幢"),
    "unit": ("单元", "单元号"),
    "floor": ("楼层", "层"),
    "room": ("户号", "房号", "门牌号", "室", "房间号"),
    "head_name": ("户主", "户主姓名", "姓名", "联系人"),
    "head_phone": ("电话", "联系电话", "手机号", "手机"),
    "occupancy": ("状态", "入住状态", "居住状态"),
    "lng": ("经度",),
    "lat": ("纬度",),
}
#: The area levels a register may name, top down; the levels at and above the import's target come from the target.
LEVELS = ("street", "community", "grid")
#: What every register needs, whatever its target: the door (楼栋 and 户号, or an address in one column).
DOOR = ("building", "room")
REQUIRED = ("street", "community", "grid", "building", "room")  # the full register, imported into a district
REGISTER = TableSpec(COLUMNS, REQUIRED, header_within=15, implies={"address": DOOR}, mappable=True)
HEADER_OF = REGISTER.header_of

__all__ = ["COLUMNS", "DOOR", "FileFormatError", "HEADER_OF", "Header", "LEVELS", "MissingColumns", "REGISTER",
           "REQUIRED", "SourceRow", "read_header", "read_household_file"]


def read_header(path: str | Path, mapping: dict[int, str | None] | None = None) -> Header:
    """The header of a CSV or XLSX register: its column names, the field of each, the row it ends on.

    Reads only the first rows.

    Raises:
        FileFormatError: an unknown extension, an unreadable or empty file.
    """
    return read_table_header(path, REGISTER, mapping)


def read_household_file(path: str | Path, mapping: dict[int, str | None] | None = None,
                        required: Iterable[str] = REQUIRED) -> Iterator[SourceRow]:
    """Rows of a CSV or XLSX household register, by the file's extension.

    ``mapping`` (column index → field, or None to ignore it) overrides the fields
    read from the header; ``required`` names the fields the header must provide
    (an address column provides 楼栋 and 户号).

    Raises:
        FileFormatError: an unknown extension (at once), an unreadable file (when
            iteration starts, or on the bad row).
        MissingColumns: a header without the required columns (when iteration starts).
    """
    return read_table(path, REGISTER, mapping, required)
