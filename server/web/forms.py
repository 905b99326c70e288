"""Web forms (Flask-WTF): they parse the input and carry the CSRF token."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class InviteWorkerForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=32, message="姓名不超过 32 个字")])
    role = SelectField("角色", choices=[SelectChoice("grid_worker", "网格员"), SelectChoice("volunteer", "志愿者")])
    grid = SelectField("负责网格", coerce=int)


class ImportHouseholdsForm(FlaskForm):
    file = FileField("住户登记表", validators=[FileRequired("请选择文件"),
                                          FileAllowed(["csv", "xlsx"], "只支持 .csv 和 .xlsx 文件")])


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
