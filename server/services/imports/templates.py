"""The templates offered for download, one per kind of table: the header the import reads best, two example rows
(张三 and 李四, fictional), a drop-down where a column takes one of a few words, and notes. One writer makes both."""
from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation


@dataclass(frozen=True)
class Template:
    title: str
    header: list[str]
    rows: list[list]
    widths: tuple[int, ...]
    #: The column whose cells take one of ``choices`` (a drop-down), and the message for another word.
    choice_column: str
    choices: tuple[str, ...]
    choice_error: str
    #: Columns written as text, so that Excel keeps a phone number as typed (``138 0013 8000``, no 1.38E+10).
    text_columns: tuple[str, ...] = ()
    #: A note on a header cell: (column, text).
    comment: tuple[str, str] | None = None
    notes: tuple[str, ...] = ()


REGISTER_TEMPLATE = Template(
    title="住户登记表",
    header=["网格", "小区", "楼栋", "单元", "楼层", "户号", "户主", "电话", "状态", "经度", "纬度"],
    rows=[["第一网格", "阳光小区", "3栋", "2", "5", "501", "张三", "023-79220000", "入住", 106.551556, 29.563009],
          ["第一网格", "阳光小区", "3栋", "2", "5", "502", "李四", "", "空置", None, None]],
    widths=(12, 12, 8, 6, 6, 8, 10, 14, 8, 12, 12),
    choice_column="状态", choices=("入住", "空置", "未知"), choice_error="请从列表中选择：入住、空置 或 未知",
    notes=("导入到社区时不需要街道、社区列；导入到网格时也不需要网格列。",
           "也可以只填一列“地址”，例如 3栋2单元501室、3-2-501、3号楼2单元501、3栋501。",
           "楼层可不填，按户号推算（501 → 5 层）。小区会并入楼栋名，例如“阳光小区3栋”。",
           "经度、纬度用 GCJ-02 坐标（高德、腾讯地图的坐标拾取器给出的就是），两列都填或都不填。",
           "示例中的张三、李四是虚构的，导入前请删除这两行。"),
)
ROSTER_TEMPLATE = Template(
    title="人员名单",
    header=["姓名", "手机", "网格", "楼栋", "角色"],
    rows=[["张三", "138 0013 8000", "第一网格", "", "网格员"], ["李四", "139 0013 9000", "", "3栋", "志愿者"]],
    widths=(12, 16, 14, 14, 10),
    choice_column="角色", choices=("网格员", "志愿者"), choice_error="请从列表中选择：网格员 或 志愿者",
    text_columns=("手机",),
    comment=("网格", "填网格名称；或只填楼栋，人员分到该楼栋所在网格"),
)


def write_template(template: Template) -> bytes:
    """The template as .xlsx bytes. Raises nothing."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = template.title
    sheet.append(template.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F5E9")
    for row in template.rows:
        sheet.append(row)
    letter = {name: get_column_letter(i) for i, name in enumerate(template.header, start=1)}
    for name in template.text_columns:
        for (cell,) in sheet[f"{letter[name]}2:{letter[name]}{len(template.rows) + 1}"]:
            cell.number_format = "@"
    column = letter[template.choice_column]
    choice = DataValidation(type="list", formula1=f'"{",".join(template.choices)}"', allow_blank=True,
                            showErrorMessage=True, errorTitle=template.choice_column, error=template.choice_error)
    choice.add(f"{column}2:{column}5000")
    sheet.add_data_validation(choice)
    if template.comment:
        name, text = template.comment
        sheet[f"{letter[name]}1"].comment = Comment(text, "敲门行动")
    for i, width in enumerate(template.widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    if template.notes:
        notes = workbook.create_sheet("说明")
        for line in template.notes:
            notes.append([line])
        notes.column_dimensions["A"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
