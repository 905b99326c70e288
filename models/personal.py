"""Personal data: which columns hold it (in this one place), and the column types that encrypt it at rest.

Phone numbers and the GPS of visits are encrypted with the application's data key
(``DATA_ENCRYPTION_KEY``) when written and decrypted when read, so the database
file and its dumps never hold them in clear. A phone number is found again by its
blind index: a keyed hash of its digits, equal for equal numbers, useless without the key.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

#: Every column that holds personal data, with what it holds and how it is protected.
#: A test fails on any column whose name suggests personal data and is listed neither here nor in NOT_PERSONAL.
PERSONAL: dict[str, str] = {
    "household.head_name": "户主姓名：页面上脱敏显示",
    "household.head_phone": "户主电话：加密存储，显示时脱敏，查看完整号码需填写事由并记入审计日志",
    "household.head_phone_index": "户主电话的盲索引（带密钥的哈希），用于按号码查找",
    "visit.lat": "走访定位纬度：加密存储，活动结束后按保留期限清除",
    "visit.lng": "走访定位经度：加密存储，活动结束后按保留期限清除",
    "visit.accuracy_m": "走访定位精度：随定位一并清除",
    "visit.photo_file_id": "门前宣传照片：按保留期限清除",
    "visit.note": "走访备注：可能提及住户",
    "pledge.signer_name": "签字人姓名",
    "pledge.signature_file_id": "手写签名图片：按保留期限清除",
    "feedback.text": "住户意见建议：可能提及住户",
    "feedback.contact_phone_encrypted": "住户留下的回访电话：加密存储，显示时脱敏",
    "user.name": "工作人员姓名",
    "user.wechat_openid": "工作人员的微信 openid",
    "audit_event.ip": "查看或导出个人信息者的 IP 地址",
    "login_lock.address": "登录失败者的 IP 地址：该地址登录成功、改密码后删除",
}

#: Columns whose names look personal but are not, and why.
NOT_PERSONAL: dict[str, str] = {
    "area.name": "行政区划名称",
    "building.name": "楼栋名称",
    "building.lat": "楼栋位置，公开的地理信息",
    "building.lng": "楼栋位置，公开的地理信息",
    "campaign.name": "活动名称",
    "material.name": "宣传资料名称",
    "user.username": "工作人员登录名",
    "stored_file.id": "文件内容的哈希",
}


def _cipher():
    # The cipher lives on the app (built from its configuration when the app is created).
    return current_app.extensions["qiaomen.cipher"]


class EncryptedText(TypeDecorator):
    """A string encrypted at rest; ``None`` and ``""`` are stored as NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _cipher().encrypt(value) if value else None

    def process_result_value(self, value, dialect):
        return _cipher().decrypt(value) if value else None


class EncryptedFloat(TypeDecorator):
    """A number, such as a coordinate, encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _cipher().encrypt(repr(float(value))) if value is not None else None

    def process_result_value(self, value, dialect):
        return float(_cipher().decrypt(value)) if value else None


def phone_index(phone: str | None) -> str | None:
    """The blind index of a phone number (see ``FieldCipher.blind_index``)."""
    return _cipher().blind_index(phone)

