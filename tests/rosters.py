"""Rosters of workers for tests: files written as CSV or XLSX, and the import command."""
import csv

from openpyxl import Workbook

HEADER = ["姓名", "手机", "网格", "楼栋", "角色"]
# Into 金桥社区 of tests.field: 第一网格 and 第二网格, buildings 1栋 and 2栋 (第一网格) and 3栋 (第二网格).
GOOD_ROWS = [
    ["张三", "13812345678", "第一网格", "", "网格员"],
    ["李四", "+86 139 0000 1111", "第二网格", "", "志愿者"],
    ["王五", "137-0000-2222", "", "3栋", ""],
]


def write_csv(path, rows, header=HEADER, encoding="utf-8", title=None):
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        if title:
            writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows, header=HEADER, title=None):
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def import_roster_file(runner, path, area, *args):
    return runner.invoke(args=["import-workers", str(path), "--area", str(area.id), *args])
