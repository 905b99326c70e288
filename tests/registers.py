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
