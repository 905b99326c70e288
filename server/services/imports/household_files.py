"""Reading household registers from CSV and XLSX files, as rows keyed by field name.

A register is the sheet a community keeps, not one we defined: its header is
found among the first rows (title and 填报 rows above it are skipped, a header
of two rows from merged cells is read as one), its column names may be any of
the usual synonyms, a column the importer does not know may be mapped to a
field by the user, and 合计/小计 rows and blank rows are skipped anywhere.
Reading streams: one row in memory at a time, past the first few.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from server.services.imports.table_files import FileFormatError, SourceRow, cell_text, csv_records
from server.services.imports.table_files import records as file_records

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
HEADER_OF = {field: names[0] for field, names in COLUMNS.items()}
#: Headers that are common and mean nothing to the import: never asked about.
IGNORED_HEADERS = frozenset({"序号", "编号", "备注", "说明", "NO", "No", "no", "NO.", "No."})
HEADER_SEARCH_ROWS = 15
_TOTALS = frozenset({"合计", "小计", "总计"})


def normalise_header(cell) -> str:
    """A header cell as compared: NFKC (full-width letters, brackets), no spaces or line breaks, no * marks."""
    text = unicodedata.normalize("NFKC", str(cell if cell is not None else ""))
    return "".join(text.split()).strip("*")


_FIELD_OF_HEADER = {normalise_header(name): field for field, names in COLUMNS.items() for name in names}


class MissingColumns(FileFormatError):
    """The header lacks columns the import needs; ``header`` says what was found, so columns can be mapped."""

    def __init__(self, message: str, header: "Header"):
        super().__init__(message)
        self.header = header


@dataclass
class Header:
    """The header found in a register: a name per column, the field each column holds, the row it ends on."""

    names: list[str]
    fields: list[str | None]
    row: int
    mapped: dict[int, str | None] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """A hash of the normalised header: the same header in another file has the same key."""
        return hashlib.sha256("\x1f".join(self.names).encode()).hexdigest()

    @property
    def unknown(self) -> list[int]:
        """Columns with a name the import does not know, not mapped by the user, and not 序号/备注."""
        return [i for i, (name, f) in enumerate(zip(self.names, self.fields))
                if name and f is None and i not in self.mapped and name not in IGNORED_HEADERS]

    def missing(self, required: Iterable[str] = REQUIRED) -> list[str]:
        """The canonical names of required fields no column holds (an address column holds 楼栋 and 户号)."""
        present = set(self.fields)
        if "address" in present:
            present.update(DOOR)
        return [HEADER_OF[f] for f in required if f not in present]


def _header_fields(names: list[str]) -> list[str | None]:
    fields, seen = [], set()
    for name in names:
        f = _FIELD_OF_HEADER.get(name)
        if f in seen:
            f = None  # a second column of the same field: the first one counts
        seen.add(f)
        fields.append(f)
    return fields


def _recognised(names: list[str]) -> int:
    return sum(1 for f in _header_fields(names) if f)


def _merged(upper: list[str], lower: list[str]) -> list[str]:
    """A header of two rows (merged cells): each column named by its lower cell, else by the one above."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [low or up for up, low in zip(upper, lower)]


def _locate_header(top: list[tuple[int, list]]) -> tuple[list[str], int, int]:
    """(names, last header row's number, index in ``top`` of the first data row) among the first rows.

    The header is the row naming the most known fields; a row above or below it is
    merged in when that names more (a two-row header), the row below only when it
    reads as a header itself (most of its cells are known names), so that a data
    row is never taken for one.
    """
    rows = [[normalise_header(c) for c in record] for _, record in top]
    counts = [_recognised(r) for r in rows]
    if not any(counts):
        first = next((i for i, r in enumerate(rows) if any(r)), None)
        if first is None:
            raise FileFormatError("文件是空的")
        return rows[first], top[first][0], first + 1
    best = counts.index(max(counts))
    names, last = rows[best], best
    if best + 1 < len(rows):
        below = rows[best + 1]
        filled = [c for c in below if c]
        merged = _merged(names, below)
        if filled and _recognised(below) * 2 >= len(filled) and _recognised(merged) > counts[best]:
            names, last = merged, best + 1
    if best > 0 and any(rows[best - 1]):
        merged = _merged(rows[best - 1], names)
        if _recognised(merged) > _recognised(names):
            names = merged
    return names, top[last][0], last + 1


def _apply_mapping(names: list[str], row: int, mapping: dict[int, str | None] | None) -> Header:
    fields = _header_fields(names)
    mapped = {}
    for index, f in (mapping or {}).items():
        if 0 <= index < len(fields) and (f is None or f in COLUMNS):
            if f is not None:
                fields = [None if other == f else other for other in fields]  # the user's choice wins
            fields[index] = f
            mapped[index] = f
    return Header(names, fields, row, mapped)


def _is_total(record) -> bool:
    """A 合计/小计/总计 row: its first filled cell says so, in whichever column (序号's, or the next)."""
    for cell in record:
        if cell:  # None, "" (and 0) are not filled
            return cell.__class__ is str and "计" in cell and cell.strip()[:2] in _TOTALS
    return False


def _read(records: Iterator[list], mapping: dict[int, str | None] | None) -> tuple[Header, Iterator[SourceRow]]:
    """The header among the first rows, and the data rows below it, numbered as a spreadsheet shows them."""
    numbered = enumerate(records, start=1)
    top = list(itertools.islice(numbered, HEADER_SEARCH_ROWS))
    if not top:
        raise FileFormatError("文件是空的")
    names, row, first_data = _locate_header(top)
    header = _apply_mapping(names, row, mapping)

    def rows() -> Iterator[SourceRow]:
        fields = header.fields
        for number, record in itertools.chain(top[first_data:], numbered):
            values = {f: cell_text(cell) for f, cell in zip(fields, record) if f}
            if any(values.values()) and not _is_total(record):
                yield SourceRow(number, values)

    return header, rows()


def _checked(header: Header, rows: Iterator[SourceRow], required: Iterable[str]) -> Iterator[SourceRow]:
    missing = header.missing(required)
    if missing:
        unknown = "、".join(f"“{header.names[i]}”" for i in header.unknown)
        raise MissingColumns(f"第 {header.row} 行表头缺少列：{'、'.join(missing)}。"
                             + (f"无法识别的列：{unknown}，请在网页上为它们选择对应的内容；" if unknown else "")
                             + f"可用的列名：{'，'.join(HEADER_OF.values())}", header)
    return rows


def read_csv(stream: io.TextIOBase, mapping: dict[int, str | None] | None = None,
             required: Iterable[str] = REQUIRED) -> Iterator[SourceRow]:
    """Rows of a CSV register read from a text stream (``read_household_file`` says what it raises)."""
    header, rows = _read(csv_records(stream), mapping)
    return _checked(header, rows, required)


def read_header(path: str | Path, mapping: dict[int, str | None] | None = None) -> Header:
    """The header of a CSV or XLSX register: its column names, the field of each, the row it ends on.

    Reads only the first rows.

    Raises:
        FileFormatError: an unknown extension, an unreadable or empty file.
    """
    records = file_records(path)
    try:
        header, _ = _read(records, mapping)
    finally:
        records.close()
    return header


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
    records = file_records(path)

    def rows():
        try:
            header, data = _read(records, mapping)
            yield from _checked(header, data, required)
        finally:
            records.close()

    return rows()
