"""Reading a table that people keep in Excel, as CSV (UTF-8 or GBK) or XLSX, one row at a time.

Shared by the household register and the roster of workers: each says which Chinese headers name which field,
and gets back rows keyed by field, numbered as a spreadsheet shows them. Reading streams.
"""
from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO


class FileFormatError(ValueError):
    """The file cannot be read as the table asked for; the message says why, in Chinese."""


@dataclass(frozen=True)
class SourceRow:
    """One data row: its row number as a spreadsheet shows it, and its values by field."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class TableSpec:
    """What a table's header must hold: field → the Chinese headers accepted for it (the first is canonical)."""

    columns: Mapping[str, tuple[str, ...]]
    #: Fields the header must name; a tuple among them means one of those fields (``网格或楼栋``).
    required: tuple[str | tuple[str, ...], ...]
    #: How many rows from the top may hold the header (title rows such as ``XX社区网格员名单`` above it).
    header_within: int = 1

    @property
    def header_of(self) -> dict[str, str]:
        return {field: names[0] for field, names in self.columns.items()}

    def fields_of(self, header: list) -> list[str | None]:
        field_of = {name: field for field, names in self.columns.items() for name in names}
        return [field_of.get(str(cell or "").strip()) for cell in header]

    def missing(self, fields: list[str | None]) -> list[str]:
        header_of, missing = self.header_of, []
        for required in self.required:
            alternatives = required if isinstance(required, tuple) else (required,)
            if not any(a in fields for a in alternatives):
                missing.append("或".join(header_of[a] for a in alternatives))
        return missing


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 501 as 501.0
    return str(value).strip()


def _missing_message(number: int, missing: list[str], spec: TableSpec) -> str:
    return f"第 {number} 行表头缺少列：{'、'.join(missing)}。表头应为：{'，'.join(spec.header_of.values())}"


def rows_of(records: Iterator[list], spec: TableSpec) -> Iterator[SourceRow]:
    """The data rows under the header, found among the first ``spec.header_within`` rows; blank rows skipped.

    Raises:
        FileFormatError: an empty file, or no row there holding the required columns (named with the number of
            the row closest to a header).
    """
    records, closest, number = iter(records), None, 0
    for number, record in enumerate(records, start=1):
        record = list(record)
        fields = spec.fields_of(record)
        missing = spec.missing(fields)
        if not missing:
            break
        # The row that comes closest to a header (a title row above it names none of its columns) is named.
        if any(cell_text(c) for c in record) and (closest is None or len(missing) < len(closest[1])):
            closest = (number, missing)
        if number >= spec.header_within:
            raise FileFormatError(_missing_message(*(closest or (number, missing)), spec))
    else:
        if closest is None:
            raise FileFormatError("文件是空的")
        raise FileFormatError(_missing_message(*closest, spec))
    for number, record in enumerate(records, start=number + 1):
        values = {field: cell_text(cell) for field, cell in zip(fields, record) if field}
        if any(values.values()):
            yield SourceRow(number, values)


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


def read_table(path: str | Path, spec: TableSpec) -> Iterator[SourceRow]:
    """Rows of a CSV or XLSX file, by the file's extension, keyed by the fields of ``spec``.

    Raises:
        FileFormatError: an unknown extension, an unreadable file, or a header
            without the required columns (raised when iteration starts).
    """
    return rows_of(records(path), spec)
