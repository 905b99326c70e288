"""Web forms (Flask-WTF): they parse the input and carry the CSRF token."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


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
    rows = HiddenField(validators=[DataRequired("请重新上传名单")])


class ImportHouseholdsForm(FlaskForm):
    file = FileField("住户登记表", validators=[FileRequired("请选择文件"),
                                          FileAllowed(["csv", "xlsx"], "只支持 .csv 和 .xlsx 文件")])


class AddAreaForm(FlaskForm):
    name = StringField("名称", validators=[DataRequired("请输入名称"), Length(max=64, message="名称不超过 64 个字")])


class AppointStaffForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=64, message="姓名不超过 64 个字")])
    username = StringField("用户名（可不填，自动生成）", validators=[Length(max=64, message="用户名不超过 64 个字")])
