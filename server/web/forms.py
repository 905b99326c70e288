"""Web forms (Flask-WTF): they parse the input and carry the CSRF token."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (DateField, FieldList, HiddenField, IntegerField, PasswordField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class InviteWorkerForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=32, message="姓名不超过 32 个字")])
    role = SelectField("角色", choices=[SelectChoice("grid_worker", "网格员"), SelectChoice("volunteer", "志愿者")])
    grid = SelectField("负责网格", coerce=int)


class ImportRosterForm(FlaskForm):
    file = FileField("人员名单", validators=[FileRequired("请选择文件"),
                                        FileAllowed(["csv", "xlsx"], "只支持 .csv 和 .xlsx 文件")])


class ConfirmRosterForm(FlaskForm):
    token = HiddenField(validators=[DataRequired("请重新上传名单")])


class ImportHouseholdsForm(FlaskForm):
    file = FileField("住户登记表", validators=[FileRequired("请选择文件"),
                                          FileAllowed(["csv", "xlsx"], "只支持 .csv 和 .xlsx 文件")])


class AddAreaForm(FlaskForm):
    name = StringField("名称", validators=[DataRequired("请输入名称"), Length(max=64, message="名称不超过 64 个字")])


class AppointStaffForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=64, message="姓名不超过 64 个字")])
    username = StringField("用户名（可不填，自动生成）", validators=[Length(max=64, message="用户名不超过 64 个字")])


class LocalDateField(DateField):
    """A date as ``2026-12-01`` (the phone's date picker sends that), with its messages in Chinese."""

    def __init__(self, label=None, validators=None, required_message="请填写日期", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            raise ValueError(self.required_message)
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("日期格式不对，请写成 2026-12-01") from None


class QuantityField(IntegerField):
    """A whole number of copies, or nothing; its messages in Chinese."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError("请填写整数份数") from None
        else:
            self.data = None


#: Material rows the campaign form offers beyond those filled in.
SPARE_MATERIAL_ROWS = 3


def _id_or_none(value):
    """A record id from a select, or None for anything else (the service then asks the person to choose)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class CampaignForm(FlaskForm):
    """A campaign: the service checks the rules (period, scope, codes, texts) and names the field that breaks one."""

    name = StringField("活动名称", validators=[Length(max=128, message="活动名称不超过 128 个字")])
    area_id = SelectField("活动区域", coerce=_id_or_none, validate_choice=False)
    start_date = LocalDateField("开始日期", required_message="请填写开始日期")
    end_date = LocalDateField("结束日期", required_message="请填写结束日期")
    material_code = FieldList(StringField("编码", validators=[Length(max=32, message="编码不超过 32 个字符")]))
    material_name = FieldList(StringField("名称", validators=[Length(max=64, message="名称不超过 64 个字")]))
    material_quantity = FieldList(QuantityField("印制数量", validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message="印制数量是 0 到 10000000 之间的整数")]))
    notice_text = TextAreaField("告知书正文")
    pledge_title = StringField("承诺书标题")
    pledge_text = TextAreaField("承诺书正文")

    def material_rows(self) -> list[tuple]:
        """The (code, name, quantity) fields of each row, padded to the longest list."""
        count = max(len(self.material_code), len(self.material_name), len(self.material_quantity))
        for fields in (self.material_code, self.material_name, self.material_quantity):
            while len(fields) < count:
                fields.append_entry()
        return list(zip(self.material_code, self.material_name, self.material_quantity))


class NewRoundForm(FlaskForm):
    name = StringField("新活动名称", validators=[Length(max=128, message="活动名称不超过 128 个字")])
    start_date = LocalDateField("开始日期", required_message="请填写开始日期")
    end_date = LocalDateField("结束日期", required_message="请填写结束日期")


class AssignForm(FlaskForm):
    """Buildings (ticked on the assignment page or the building chart) given to one worker, optionally one unit."""

    building = SelectMultipleField("楼栋", coerce=int, validate_choice=False,
                                   validators=[DataRequired(message="请勾选要分配的楼栋")])
    worker = IntegerField("网格员", validators=[DataRequired(message="请选择网格员")])
    unit = StringField("单元", validators=[Optional(), Length(max=16, message="单元不超过 16 个字")])


class UnassignForm(FlaskForm):
    building = IntegerField(validators=[DataRequired()])
    unit = StringField(validators=[Optional(), Length(max=16)])


class TargetForm(FlaskForm):
    """The 入户率 an area should reach by a date."""

    area = IntegerField("区域", validators=[DataRequired(message="请选择区域")])
    percent = IntegerField("目标入户率（%）", validators=[
        DataRequired(message="请填写目标入户率"), NumberRange(min=1, max=100, message="目标入户率应在 1 到 100 之间")])
    due_date = LocalDateField("截止日", required_message="请填写截止日")


class QuizForm(FlaskForm):
    """A campaign's quiz: questions as text (``parse_quiz_text``), the pass mark and the satisfaction question."""

    questions = TextAreaField("题目", validators=[Length(max=5000, message="题目太长")])
    pass_mark = IntegerField("及格题数", validators=[NumberRange(min=0, max=10, message="及格题数是 0 到 10 之间的整数")])
    satisfaction_question = StringField("满意度问题", validators=[Length(max=200, message="不超过 200 个字")])
    satisfaction_options = TextAreaField("满意度选项", validators=[Length(max=200, message="选项太长")])


class ConfirmForm(FlaskForm):
    """A button that writes: only the CSRF token."""


def column_mapping_form(header, fields: dict[str, str], formdata=None):
    """A form with a select per column of ``header`` (one of ``fields``, field → label, or 忽略), preset to
    what the header was read as."""
    choices = [SelectChoice("", "忽略")] + [SelectChoice(f, label) for f, label in fields.items()]

    class ColumnMappingForm(FlaskForm):
        pass

    for index, name in enumerate(header.names):
        setattr(ColumnMappingForm, f"col{index}",
                SelectField(name or f"第 {index + 1} 列（无表头）", choices=choices, default=header.fields[index] or ""))
    return ColumnMappingForm(formdata=formdata) if formdata is not None else ColumnMappingForm()
