"""What a campaign hands out and has residents read, as it starts: the usual materials, the default notice
(告知书) and pledge (承诺书) texts, and materials as asked for (``MaterialSpec``)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: The three kinds of material the 敲门行动 hands out at every door.
DEFAULT_MATERIALS = (("notice", "告知书"), ("pledge", "承诺书"), ("brochure", "宣传手册"))
#: The codes the usual materials get when only their name is given (others get m1, m2 …).
KNOWN_MATERIAL_CODES = {name: code for code, name in DEFAULT_MATERIALS}

NOTICE_TEXT = """尊敬的居民朋友：

为改善人居环境、节约资源，本社区正在开展生活垃圾分类“敲门行动”。请您和家人按以下四类投放生活垃圾：

一、厨余垃圾（绿色桶）：剩菜剩饭、果皮菜叶、过期食品等，请沥干水分、去除包装后投放。
二、可回收物（蓝色桶）：废纸板、塑料瓶、金属、玻璃、旧衣物等，请保持清洁干燥。
三、有害垃圾（红色桶）：废电池、废灯管、过期药品、油漆桶等，请轻放，防止破损。
四、其他垃圾（灰色桶）：卫生纸、烟头、尘土、一次性餐具等难以回收的垃圾。

定时定点投放时间：每天 7:00—9:00、18:00—21:00。如有意见建议，可告诉上门的网格员，或扫描门上的二维码留言。

感谢您的支持与配合！"""

PLEDGE_TITLE = "生活垃圾分类承诺书"
PLEDGE_BODY = """为共建整洁美丽的家园，本户自愿承诺：

一、学习生活垃圾分类知识，做到家庭源头分类，厨余垃圾、可回收物、有害垃圾、其他垃圾分开投放；
二、按照社区规定的时间和地点定时定点投放，不乱扔乱倒；
三、带动家人、邻居共同参与垃圾分类，做垃圾分类的宣传者和践行者；
四、支持和配合社区、网格员和志愿者的分类督导工作。"""


@dataclass(frozen=True)
class MaterialSpec:
    """A material as asked for: its code, name and the quantity printed (None: not said)."""

    code: str
    name: str
    planned_quantity: int | None = None


def material_specs(names: Iterable[str]) -> list[MaterialSpec]:
    """Materials named only: 告知书 → notice, 承诺书 → pledge, 宣传手册 → brochure, any other m1, m2 … in order."""
    specs, others = [], 0
    for name in names:
        name = name.strip()
        code = KNOWN_MATERIAL_CODES.get(name)
        if code is None:
            others += 1
            code = f"m{others}"
        specs.append(MaterialSpec(code, name))
    return specs


def spec_of(material) -> MaterialSpec:
    """A material given as a ``MaterialSpec`` or a (code, name[, quantity]) tuple, as a ``MaterialSpec``."""
    return material if isinstance(material, MaterialSpec) else MaterialSpec(*material)
