"""Personal data: which columns hold it and how each may be shown (in this one place), and the column types that
encrypt it at rest.

Phone numbers and the GPS of visits are encrypted with the application's data key
(``DATA_ENCRYPTION_KEY``) when written and decrypted when read, so the database
file and its dumps never hold them in clear. A phone number is found again by its
blind index: a keyed hash of its digits, equal for equal numbers, useless without the key.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class Shown(enum.Enum):
    """How a personal field may be shown, decided once per field for every reader.

    The masking crawl (tests/test_masking_crawl.py) seeds every field below and checks every page,
    API answer and export, for every kind of caller, against this decision.
    """

    #: Only masked, on every page, API answer and export, to every reader (heads and admins included):
    #: names as 张** (``mask_name``), phone numbers as 138****5678 (``mask_phone``), both in
    #: server/services/privacy/masking.py. The one exception is the full phone number a head asks for with a
    #: reason (查看完整号码): a POST, for heads and admins in scope, audited, never cached.
    MASKED = "masked"
    #: In full, to staff whose areas hold it (the worker of the grid, the head of the community, the admins
    #: above); never to residents or strangers.
    STAFF = "staff"
    #: On no page, API answer or export at all: kept for the server's own use.
    NEVER = "never"


@dataclass(frozen=True)
class PersonalField:
    holds: str  # what the column holds and how it is protected, for a reader of this file
    shown: Shown


#: Every column that holds personal data, what it holds, how it is protected and how it may be shown.
#: A test fails on any column whose name suggests personal data and is listed neither here nor in NOT_PERSONAL.
PERSONAL: dict[str, PersonalField] = {
    "household.head_name": PersonalField("户主姓名：页面、接口和导出一律脱敏显示（张**）", Shown.MASKED),
    "household.head_phone": PersonalField(
        "户主电话：加密存储，一律脱敏显示；查看完整号码需填写事由并记入审计日志", Shown.MASKED),
    "household.head_phone_index": PersonalField("户主电话的盲索引（带密钥的哈希），用于按号码查找", Shown.NEVER),
    "visit.lat": PersonalField("走访定位纬度：加密存储，活动结束后按保留期限清除", Shown.NEVER),
    "visit.lng": PersonalField("走访定位经度：加密存储，活动结束后按保留期限清除", Shown.NEVER),
    "visit.accuracy_m": PersonalField("走访定位精度：随定位一并清除", Shown.NEVER),
    "visit.photo_file_id": PersonalField("门前宣传照片：按保留期限清除", Shown.STAFF),
    "visit.note": PersonalField("走访备注：可能提及住户，其中的手机号保存时即脱敏", Shown.STAFF),
    "spot_check.lat": PersonalField("复核定位纬度：加密存储，活动结束后按保留期限清除", Shown.NEVER),
    "spot_check.lng": PersonalField("复核定位经度：加密存储，活动结束后按保留期限清除", Shown.NEVER),
    "spot_check.photo_file_id": PersonalField("复核现场照片：留作证据，按保留期限清除；目前不在任何页面显示", Shown.NEVER),
    "spot_check.note": PersonalField("复核备注：可能提及住户，目前不在任何页面显示", Shown.NEVER),
    "pledge.signer_name": PersonalField("签字人姓名：页面、接口和导出一律脱敏显示（张**）", Shown.MASKED),
    "pledge.signature_file_id": PersonalField("手写签名图片：按保留期限清除", Shown.STAFF),
    "feedback.text": PersonalField("住户意见建议：可能提及住户，其中的手机号保存时即脱敏；住户的门页只显示社区的回复",
                                   Shown.STAFF),
    "feedback.contact_phone": PersonalField("住户留下的回访电话：加密存储，一律脱敏显示", Shown.MASKED),
    "user.name": PersonalField("工作人员姓名：工作人员之间可见，居民页面不显示", Shown.STAFF),
    "user.phone": PersonalField("工作人员手机号（名单导入）：加密存储，一律脱敏显示", Shown.MASKED),
    "user.phone_index": PersonalField("工作人员手机号的盲索引，用于一个号码只对应一个账号", Shown.NEVER),
    "user.wechat_openid": PersonalField("工作人员的微信 openid", Shown.NEVER),
    "audit_event.ip": PersonalField("查看或导出个人信息者的 IP 地址", Shown.NEVER),
    "login_lock.address": PersonalField("登录失败者的 IP 地址：该地址登录成功、改密码后删除", Shown.NEVER),
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


def cipher():
    """The app's ``FieldCipher``, built once by the app factory from its configuration."""
    return current_app.extensions["qiaomen.cipher"]


class EncryptedText(TypeDecorator):
    """A string encrypted at rest; ``None`` and ``""`` are stored as NULL."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return cipher().encrypt(value) if value else None

    def process_result_value(self, value, dialect):
        return cipher().decrypt(value) if value else None


class EncryptedFloat(TypeDecorator):
    """A number, such as a coordinate, encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return cipher().encrypt(repr(float(value))) if value is not None else None

    def process_result_value(self, value, dialect):
        return float(cipher().decrypt(value)) if value else None


def phone_index(phone: str | None) -> str | None:
    """The blind index of a phone number (see ``FieldCipher.blind_index``)."""
    return cipher().blind_index(phone)

