"""Reading a table that people keep in Excel, as CSV (UTF-8 or GBK) or XLSX, one row at a time.

Shared by the household register and the roster of workers: each says (``TableSpec``) which Chinese headers
name which field, and gets back rows keyed by field, numbered as a spreadsheet shows them. The table is the sheet
people keep, not one we defined: its header is found among the first rows (title and 填报 rows above it are
skipped, a header of two rows from merged cells is read as one), its column names may be any of the usual
synonyms, a column the reader does not know may be mapped to a field by the user, and 合计/小计 rows and blank
rows are skipped anywhere. Reading streams: one row in memory at a time, past the first few.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

#: Headers that are common and mean nothing to an import: never asked about.
IGNORED_HEADERS = frozenset({"序号", "编号", "备注", "说明", "NO", "No", "no", "NO.", "No."})
_TOTALS = frozenset({"合计", "小计", "总计"})


class FileFormatError(ValueError):
    """The file cannot be read as the table asked for; the message says why, in Chinese."""


@dataclass(frozen=True)
class SourceRow:
    """One data row: its row number as a spreadsheet shows it, and its values by field."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell of a row, named as a person finds it: row number and column header."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.row} 行「{self.column}」：{self.message}"


def normalise_header(cell) -> str:
    """A header cell as compared: NFKC (full-width letters, brackets), no spaces or line breaks, no * marks."""
    text = unicodedata.normalize("NFKC", str(cell if cell is not None else ""))
    return "".join(text.split()).strip("*")


@dataclass(frozen=True)
class TableSpec:
    """What a table's header may and must hold: field → the Chinese headers accepted for it (the first is
    canonical, used in messages)."""

    columns: Mapping[str, tuple[str, ...]]
    #: Fields the header must name; a tuple among them means one of those fields (``网格或楼栋``).
    required: tuple[str | tuple[str, ...], ...]
    #: How many rows from the top may hold the header (title rows such as ``XX社区网格员名单`` above it).
    header_within: int = 15
    #: Fields a column provides besides its own (an address holds 楼栋 and 户号).
    implies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Whether the user may map unknown columns to fields (the message then asks them to).
    mappable: bool = False

    #: Normalised header name → field, built once.
    field_by_name: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "field_by_name",
                           {normalise_header(n): f for f, names in self.columns.items() for n in names})

    @property
    def header_of(self) -> dict[str, str]:
        return {name: names[0] for name, names in self.columns.items()}


class MissingColumns(FileFormatError):
    """The header lacks columns the import needs; ``header`` says what was found, so columns can be mapped."""

    def __init__(self, message: str, header: "Header"):
        super().__init__(message)
        self.header = header


@dataclass
class Header:
    """The header found in a table: a name per column, the field each column holds, the row it ends on."""

    names: list[str]
    fields: list[str | None]
    row: int
    spec: TableSpec
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

    def missing(self, required: Iterable[str | tuple[str, ...]] | None = None) -> list[str]:
        """The canonical names of required fields no column holds (``spec.implies`` counted)."""
        present = set(self.fields)
        for f in list(present):
            present.update(self.spec.implies.get(f, ()))
        header_of, missing = self.spec.header_of, []
        for wanted in self.spec.required if required is None else required:
            alternatives = wanted if isinstance(wanted, tuple) else (wanted,)
            if not any(a in present for a in alternatives):
                missing.append("或".join(header_of[a] for a in alternatives))
        return missing


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 501 as 501.0
    return str(value).strip()


def _header_fields(names: list[str], spec: TableSpec) -> list[str | None]:
    fields, seen = [], set()
    for name in names:
        f = spec.field_by_name.get(name)
        if f in seen:
            f = None  # a second column of the same field: the first one counts
        seen.add(f)
        fields.append(f)
    return fields


def _recognised(names: list[str], spec: TableSpec) -> int:
    return sum(1 for f in _header_fields(names, spec) if f)


def _merged(upper: list[str], lower: list[str]) -> list[str]:
    """A header of two rows (merged cells): each column named by its lower cell, else by the one above."""
    width = max(len(upper), len(lower))
    upper, lower = upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower))
    return [low or up for up, low in zip(upper, lower)]


def _locate_header(top: list[tuple[int, list]], spec: TableSpec) -> tuple[list[str], int, int]:
    """(names, last header row's number, index in ``top`` of the first data row) among the first rows.

    The header is the row naming the most known fields; a row above or below it is
    merged in when that names more (a two-row header), the row below only when it
    reads as a header itself (most of its cells are known names), so that a data
    row is never taken for one.
    """
    rows = [[normalise_header(c) for c in record] for _, record in top]
    counts = [_recognised(r, spec) for r in rows]
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
        if filled and _recognised(below, spec) * 2 >= len(filled) and _recognised(merged, spec) > counts[best]:
            names, last = merged, best + 1
    if best > 0 and any(rows[best - 1]):
        merged = _merged(rows[best - 1], names)
        if _recognised(merged, spec) > _recognised(names, spec):
            names = merged
    return names, top[last][0], last + 1


def _apply_mapping(names: list[str], row: int, mapping: dict[int, str | None] | None, spec: TableSpec) -> Header:
    fields = _header_fields(names, spec)
    mapped = {}
    for index, f in (mapping or {}).items():
        if 0 <= index < len(fields) and (f is None or f in spec.columns):
            if f is not None:
                fields = [None if other == f else other for other in fields]  # the user's choice wins
            fields[index] = f
            mapped[index] = f
    return Header(names, fields, row, spec, mapped)


def _is_total(record) -> bool:
    """A 合计/小计/总计 row: its first filled cell says so, in whichever column (序号's, or the next)."""
    for cell in record:
        if cell:  # None, "" (and 0) are not filled
            return cell.__class__ is str and "计" in cell and cell.strip()[:2] in _TOTALS
    return False


def _read(records: Iterator[list], spec: TableSpec,
          mapping: dict[int, str | None] | None) -> tuple[Header, Iterator[SourceRow]]:
    """The header among the first rows, and the data rows below it, numbered as a spreadsheet shows them."""
    numbered = enumerate(records, start=1)
    top = list(itertools.islice(numbered, spec.header_within))
    if not top:
        raise FileFormatError("文件是空的")
    names, row, first_data = _locate_header(top, spec)
    header = _apply_mapping(names, row, mapping, spec)

    def rows() -> Iterator[SourceRow]:
        fields = header.fields
        for number, record in itertools.chain(top[first_data:], numbered):
            values = {f: cell_text(cell) for f, cell in zip(fields, record) if f}
            if any(values.values()) and not _is_total(record):
                yield SourceRow(number, values)

    return header, rows()


def _checked(header: Header, rows: Iterator[SourceRow],
             required: Iterable[str | tuple[str, ...]] | None) -> Iterator[SourceRow]:
    missing = header.missing(required)
    if missing:
        unknown = "、".join(f"“{header.names[i]}”" for i in header.unknown) if header.spec.mappable else ""
        raise MissingColumns(f"第 {header.row} 行表头缺少列：{'、'.join(missing)}。"
                             + (f"无法识别的列：{unknown}，请在网页上为它们选择对应的内容；" if unknown else "")
                             + f"可用的列名：{'，'.join(header.spec.header_of.values())}", header)
    return rows


def encoding_of(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8, else GB18030.

    Excel in China saves CSV as GBK by default; everything else writes UTF-8.
    The check streams the file through an incremental decoder. A NUL byte, which
    no text in either encoding holds (a UTF-16 export is full of them) and which
    PostgreSQL cannot store, refuses the file, naming its line.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    encoding, lines = "utf-8-sig", 0
    try:
        with path.open("rb") as raw:
            while chunk := raw.read(1 << 20):
                nul = chunk.find(b"\0")
                if nul >= 0:
                    line = lines + chunk.count(b"\n", 0, nul) + 1
                    raise FileFormatError(f"第 {line} 行含有空字符（NUL），文件可能是 UTF-16 编码或已损坏，"
                                          "请另存为 UTF-8 编码的 CSV 或 XLSX")
                lines += chunk.count(b"\n")
                if encoding == "utf-8-sig":
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        encoding = "gb18030"
    except OSError as exc:
        raise FileFormatError(f"无法打开文件：{exc.strerror}") from exc
    if encoding == "utf-8-sig":
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "gb18030"
    return encoding


def csv_records(stream: TextIO) -> Iterator[list]:
    """The records of a CSV text stream."""
    number = 0
    try:
        for number, record in enumerate(csv.reader(stream), start=1):
            yield record
    except csv.Error as exc:  # a cell beyond the csv module's size limit, often from an unpaired quote
        raise FileFormatError(f"第 {number + 1} 行无法读取：单元格超过 {csv.field_size_limit()} 个字，"
                              "可能是引号没有成对") from exc


_RESAVE = "文件可能已损坏或不是 .xlsx 格式：请在 Excel 中打开，另存为 .xlsx 后重试"


def xlsx_records(path: Path) -> Iterator[list]:
    """The records of the first sheet of an XLSX file, streamed in read-only mode.

    Raises:
        FileFormatError: the file or its sheet cannot be read (the file at once, the sheet as it is read).
    """
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise FileFormatError(f"无法读取 Excel 文件，{_RESAVE}") from exc

    def records():
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        except Exception as exc:  # a sound zip may hold a broken sheet: found only as the sheet is read
            raise FileFormatError(f"无法读取 Excel 文件的工作表，{_RESAVE}") from exc
        finally:
            workbook.close()

    return records()


def _csv_file_records(path: Path) -> Iterator[list]:
    encoding = encoding_of(path)
    try:
        with path.open(encoding=encoding, newline="") as stream:
            yield from csv_records(stream)
    except UnicodeDecodeError as exc:
        raise FileFormatError("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX") from exc


def records(path: str | Path) -> Iterator[list]:
    """The raw records of a CSV (UTF-8 or GBK) or XLSX file, by the file's extension, streamed.

    Raises:
        FileFormatError: an unknown extension or an unreadable file (a CSV's problems when iteration starts).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return xlsx_records(path)
    if suffix == ".csv":
        return _csv_file_records(path)
    raise FileFormatError("只支持 .csv 和 .xlsx 文件")


def read_header(path: str | Path, spec: TableSpec, mapping: dict[int, str | None] | None = None) -> Header:
    """The header of a CSV or XLSX table: its column names, the field of each, the row it ends on.

    Reads only the first rows.

    Raises:
        FileFormatError: an unknown extension, an unreadable or empty file.
    """
    found = records(path)
    try:
        header, _ = _read(found, spec, mapping)
    finally:
        found.close()
    return header


def read_table(path: str | Path, spec: TableSpec, mapping: dict[int, str | None] | None = None,
               required: Iterable[str | tuple[str, ...]] | None = None) -> Iterator[SourceRow]:
    """Rows of a CSV or XLSX table, by the file's extension, keyed by the fields of ``spec``.

    ``mapping`` (column index → field, or None to ignore it) overrides the fields read from the header;
    ``required`` names the fields the header must provide (``spec.required`` when None).

    Raises:
        FileFormatError: an unknown extension (at once), an unreadable file (when iteration starts, or on the
            bad row).
        MissingColumns: a header without the required columns (when iteration starts).
    """
    found = records(path)

    def rows():
        try:
            header, data = _read(found, spec, mapping)
            yield from _checked(header, data, required)
        finally:
            found.close()

    return rows()
