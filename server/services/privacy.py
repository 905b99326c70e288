"""Showing personal data only as much as the reader needs."""
from __future__ import annotations


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
    """``张三丰`` → ``张**``: enough for a neighbour to recognise, not enough to identify."""
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)
