"""An address written in one register cell, read as building, unit, floor and room.

The forms a community register uses::

    3栋2单元501室    3幢2单元501    3号楼2单元501    3栋501    3-2-501    3-501
    阳光小区3栋2单元501室 (a 小区 before the building)    3栋2单元5层501

Full-width digits and dashes are read as ASCII. The building comes back as
``3栋`` whichever word the cell used (栋, 幢, 号楼, 号, #; ``A座`` stays), so that ``3号楼`` in
one file and ``3栋`` in the next are the same building. The floor is given only
when the address states it; the importer derives it from the room otherwise.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple


class Address(NamedTuple):
    estate: str  # the 小区 written before the building, or ""
    building: str
    unit: str
    floor: str
    room: str


_BUILDING = r"(?P<building>[0-9]+|[A-Za-z][0-9]*)"
_FORMS = [
    # 3栋2单元501室, 3号楼2单元5层501, 3幢501, A座1单元101, 3#2单元501
    re.compile(rf"(?P<estate>.*?){_BUILDING}(?P<word>栋|幢|号楼|号|座|#楼?)(?:(?P<unit>[0-9]+)单元)?"
               r"(?:(?P<floor>-?[0-9]+)(?:层|楼))?(?P<room>[0-9]+)(?:室|号|户)?"),
    # 3-2-501, 阳光小区3-2-501
    re.compile(r"(?P<estate>.*?)(?P<building>[0-9]+)-(?P<unit>[0-9]+)-(?P<room>[0-9]+)(?:室|号)?"),
    # 3-501
    re.compile(r"(?P<estate>.*?)(?P<building>[0-9]+)-(?P<room>[0-9]+)(?:室|号)?"),
]
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "_": "-", "、": "-"})


def parse_address(text: str) -> Address | None:
    """The building, unit, floor and room of an address, or None when it is in none of the known forms."""
    cleaned = "".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())
    for form in _FORMS:
        match = form.fullmatch(cleaned)
        if match:
            parts = match.groupdict()
            estate = parts["estate"].rstrip("-")
            if estate and estate[-1].isdigit():
                continue  # "13-2-501" must not read as estate "1" and building "3"
            building = parts["building"].upper()
            word = "座" if parts.get("word") == "座" else "栋"  # A座 stays A座; 3号楼, 3幢 and 3# are 3栋
            return Address(estate, f"{building}{word}", parts.get("unit") or "",
                           parts.get("floor") or "", parts["room"])
    return None
