"""Household registers for tests: a header, good rows, files written as CSV or XLSX, and the import command."""
import csv

from openpyxl import Workbook
from sqlalchemy import select

from models import Household
from server.extensions import db as _db

HEADER = ["街道", "社区", "网格", "楼栋", "单元", "楼层", "户号", "户主", "电话", "状态"]
GOOD_ROWS = [
    ["城西街道", "金桥社区", "第一网格", "3栋", "2", "5", "501", "张三", "13812345678", "入住"],
    ["城西街道", "金桥社区", "第一网格", "3栋", "2", "", "502", "李四", "", "空置"],
    ["城西街道", "金桥社区", "第二网格", "4", "1单元", "", "1203", "", "023-79221234", ""],
    ["城西街道", "滨江社区", "第一网格", "1号楼", "", "", "101", "王五", "+86 139 0000 1111", "出租"],
]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([int(v) if v.isdigit() and len(v) < 6 else v for v in row])
    workbook.save(path)
    return path


def import_file(runner, path, *args):
    return runner.invoke(args=["import-households", str(path), "--district", "清溪区", *args])


def households():
    return {h.label: h for h in _db.session.scalars(select(Household))}


# --- registers as communities keep them: a title above the header, 填报 rows, 合计 rows, merged headers ---------

TITLE = ["金桥社区入户宣传台账"]
FILLED_BY = ["填报单位：金桥社区居委会", "", "填报人：张三", "", "日期：2026年11月30日"]
TOTAL = ["合计", "", "", "", "", "2户"]


def community_register(header, rows, title=True, filled_by=True, total=True):
    """The records of a register as a community keeps it: title row, 填报 row, blank row, header, rows, 合计."""
    records = []
    if title:
        records.append(TITLE)
    if filled_by:
        records += [FILLED_BY, []]
    records += [header, *rows]
    if total:
        records += [[], TOTAL]
    return records


#: A two-row header from merged cells: 户主 and 联系电话 span both rows, 房屋信息 spans 楼栋, 单元, 房号.
TWO_ROW_HEADER = [["序号", "户主", "房屋信息", None, None, "联系电话"],
                  [None, None, "楼栋", "单元", "房号", None]]


def two_row_merges(first: int) -> list[str]:
    """The merged cells of TWO_ROW_HEADER when it starts on spreadsheet row ``first``."""
    second = first + 1
    return [f"A{first}:A{second}", f"B{first}:B{second}", f"C{first}:E{first}", f"F{first}:F{second}"]


def write_records_csv(path, records, encoding="gbk"):
    """Records as a CSV, GBK by default as Excel in China saves it."""
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows([["" if v is None else v for v in record] for record in records])
    return path


def write_records_xlsx(path, records, merges=()):
    """Records as the first sheet of an XLSX, with merged cells."""
    workbook = Workbook()
    sheet = workbook.active
    for record in records:
        sheet.append(list(record) or [None])
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_records(path, records, merges=()):
    """Records as .csv (GBK) or .xlsx, by the path's suffix."""
    return write_records_xlsx(path, records, merges) if str(path).endswith(".xlsx") else \
        write_records_csv(path, records)


def import_into(runner, path, area, *args):
    return runner.invoke(args=["import-households", str(path), "--area", str(area.id), *args])
