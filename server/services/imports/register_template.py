"""The register template offered for download: the header the import reads best, two example rows, a drop-down
for 状态."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

TEMPLATE_HEADER = ["网格", "小区", "楼栋", "单元", "楼层", "户号", "户主", "电话", "状态", "经度", "纬度"]
TEMPLATE_ROWS = [
    ["第一网格", "阳光小区", "3栋", "2", "5", "501", "张三", "023-79220000", "入住", 106.551556, 29.563009],
    ["第一网格", "阳光小区", "3栋", "2", "5", "502", "李四", "", "空置", None, None],
]
OCCUPANCY_CHOICES = ("入住", "空置", "未知")


def register_template() -> bytes:
    """The template as .xlsx bytes. Raises nothing."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "住户登记表"
    sheet.append(TEMPLATE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_ROWS:
        sheet.append(row)
    column = chr(ord("A") + TEMPLATE_HEADER.index("状态"))
    choice = DataValidation(type="list", formula1=f'"{",".join(OCCUPANCY_CHOICES)}"', allow_blank=True,
                            showErrorMessage=True, errorTitle="状态", error="请从列表中选择：入住、空置 或 未知")
    choice.add(f"{column}2:{column}5000")
    sheet.add_data_validation(choice)
    for letter, width in zip("ABCDEFGHIJK", (12, 12, 8, 6, 6, 8, 10, 14, 8, 12, 12)):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("说明")
    for line in ("导入到社区时不需要街道、社区列；导入到网格时也不需要网格列。",
                 "也可以只填一列“地址”，例如 3栋2单元501室、3-2-501、3号楼2单元501、3栋501。",
                 "楼层可不填，按户号推算（501 → 5 层）。小区会并入楼栋名，例如“阳光小区3栋”。",
                 "经度、纬度用 GCJ-02 坐标（高德、腾讯地图的坐标拾取器给出的就是），两列都填或都不填。",
                 "示例中的张三、李四是虚构的，导入前请删除这两行。"):
        notes.append([line])
    notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
