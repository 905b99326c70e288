"""Reading household registers from CSV and XLSX files, as rows keyed by field name.

The files are headed in Chinese. Reading streams: one row in memory at a time.
"""
from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
HEADER_OF = {field: names[0] for field, names in COLUMNS.items()}
_FIELD_OF_HEADER = {name: field for field, names in COLUMNS.items() for name in names}


class FileFormatError(ValueError):
    """The file cannot be read as a household register; the message says why, in Chinese."""


@dataclass(frozen=True)
class SourceRow:
    """One data row: its row number as a spreadsheet shows it, and its values by field."""

    number: int
    values: dict[str, str]


def _fields_of_header(header: list) -> list[str | None]:
    fields = [_FIELD_OF_HEADER.get(str(cell or "").strip()) for cell in header]
    missing = [HEADER_OF[f] for f in REQUIRED if f not in fields]
    if missing:
        raise FileFormatError(f"第 1 行表头缺少列：{'、'.join(missing)}。"
                              f"表头应为：{'，'.join(HEADER_OF.values())}")
    return fields


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 501 as 501.0
    return str(value).strip()


def _rows(records: Iterator[list]) -> Iterator[SourceRow]:
    try:
        header = next(records)
    except StopIteration:
        raise FileFormatError("文件是空的") from None
    fields = _fields_of_header(list(header))
    for number, record in enumerate(records, start=2):
        values = {field: _cell_text(cell) for field, cell in zip(fields, record) if field}
        if any(values.values()):
            yield SourceRow(number, values)


def _encoding_of(path: Path) -> str:
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


def read_csv(stream: io.TextIOBase) -> Iterator[SourceRow]:
    """Rows of a CSV register read from a text stream."""

    def records():
        number = 0
        try:
            for number, record in enumerate(csv.reader(stream), start=1):
                yield record
        except csv.Error as exc:  # a cell beyond the csv module's size limit, often from an unpaired quote
            raise FileFormatError(f"第 {number + 1} 行无法读取：单元格超过 {csv.field_size_limit()} 个字，"
                                  "可能是引号没有成对") from exc

    return _rows(records())


_RESAVE = "文件可能已损坏或不是 .xlsx 格式：请在 Excel 中打开，另存为 .xlsx 后重试"


def read_xlsx(path: Path) -> Iterator[SourceRow]:
    """Rows of the first sheet of an XLSX register, streamed in read-only mode."""
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

    return _rows(records())


def read_household_file(path: str | Path) -> Iterator[SourceRow]:
    """Rows of a CSV or XLSX household register, by the file's extension.

    Raises:
        FileFormatError: an unknown extension, an unreadable file, or a header
            without the required columns (raised when iteration starts).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        encoding = _encoding_of(path)

        def rows():
            try:
                with path.open(encoding=encoding, newline="") as stream:
                    yield from read_csv(stream)
            except UnicodeDecodeError as exc:
                raise FileFormatError("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX") from exc

        return rows()
    raise FileFormatError("只支持 .csv 和 .xlsx 文件")
