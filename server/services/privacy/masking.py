"""Showing personal data only as much as the reader needs."""
from __future__ import annotations

from server.services.privacy.phones import MOBILE_IN_TEXT


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; a landline keeps its area code and last four digits."""
    if not phone:
        return ""
    digits = phone.replace("-", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    if "-" in phone:
        area, _, number = phone.partition("-")
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}"
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """``张三丰`` → ``张**``: enough for a neighbour to recognise, not enough to identify; a name of one
    character is all stars."""
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return name[0] + "*" * (len(name) - 1)


def mask_phones_in(text: str | None) -> str | None:
    """Free text with any mobile number in it masked: ``请回电13812345678`` → ``请回电138****5678``.

    Opinions, notes and replies are free text shown to many; a number a resident wants
    called back belongs in the phone field, which is encrypted.
    """
    if not text:
        return text
    return MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
