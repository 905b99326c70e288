"""Reading household registers from CSV and XLSX files, as rows keyed by field name.

The files are headed in Chinese. Reading streams: one row in memory at a time (``table_files``).
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from server.services.table_files import (FileFormatError, SourceRow, TableSpec, csv_records, read_table, rows_of,
                                         xlsx_records)

#: Field name → the Chinese headers accepted for it (the first is the canonical one).
COLUMNS: dict[str, tuple[str, ...]] = {
    "street": ("街道", "街道（镇）", "镇街"),
    "community": ("社区", "社区（村）", "村社区"),
    "community_type": ("社区类型", "小区类型"),
    "grid": ("网格", "网格名称"),
    "building": ("楼栋", "楼栋号", "楼号"),
    "unit": ("单元", "单元号"),
    "floor": ("楼层", "层"),
    "room": ("户号", "房号", "门牌号"),
    "head_name": ("户主", "户主姓名"),
    "head_phone": ("电话", "联系电话", "手机号"),
    "occupancy": ("状态", "入住状态"),
}
REQUIRED = ("street", "community", "grid", "building", "room")
REGISTER = TableSpec(COLUMNS, REQUIRED)
HEADER_OF = REGISTER.header_of

__all__ = ["COLUMNS", "HEADER_OF", "REQUIRED", "FileFormatError", "SourceRow", "read_csv", "read_household_file",
           "read_xlsx"]


def read_csv(stream: io.TextIOBase) -> Iterator[SourceRow]:
    """Rows of a CSV register read from a text stream."""
    return rows_of(csv_records(stream), REGISTER)


def read_xlsx(path: Path) -> Iterator[SourceRow]:
    """Rows of the first sheet of an XLSX register, streamed in read-only mode."""
    return rows_of(xlsx_records(path), REGISTER)


def read_household_file(path: str | Path) -> Iterator[SourceRow]:
    """Rows of a CSV or XLSX household register, by the file's extension.

    Raises:
        FileFormatError: an unknown extension, an unreadable file, or a header
            without the required columns (raised when iteration starts).
    """
    return read_table(path, REGISTER)
