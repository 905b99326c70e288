"""Phone numbers: the one rule of what a mainland mobile or landline number is, and how each is stored.

The rule is the ``phonenumbers`` library's (Google's libphonenumber metadata, kept up to date with the number
plan): a mobile in a range that is allocated, a landline with a real area code and the length used there.
Registers and forms write numbers every which way (``+86 138-1234-5678``, ``138 1234 5678``, ``(023)79221234``);
what is stored is one form: a mobile as its eleven digits, a landline as ``0`` + area code, a dash, the number.

Parsing with the library costs about a tenth of a millisecond, too much for a register of a million rows, so a
mobile written plainly (or with spaces, dashes, ``+86``) is matched against the library's own pattern for
mainland mobiles, compiled once; everything else is parsed.
"""
from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneMetadata, PhoneNumberType

_CN = PhoneMetadata.metadata_for_region("CN")
#: A mainland mobile's eleven digits, as the library defines them.
_MOBILE = re.compile(_CN.mobile.national_number_pattern)
_LANDLINE_TYPES = (PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)

#: Something shaped like a mainland mobile inside free text, whole or in groups (138 1234 5678, 138-1234-5678).
#: Deliberately wider than ``mobile_number`` (any 1[3-9] prefix, allocated or not): what it finds is masked, and
#: hiding a number too many is the safe side. Landlines and longer digit runs (order numbers) are left alone.
MOBILE_IN_TEXT = re.compile(r"(?<!\d)(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")


def _parsed(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        return None
    return number


def mobile_number(text: str | None) -> str | None:
    """A mainland mobile number as its eleven digits (``+86 138-1234-5678`` → ``13812345678``), or None when
    ``text`` is no such number (a landline, an unallocated range, too few digits, anything else)."""
    if not text:
        return None
    digits = text if len(text) == 11 else text.replace(" ", "").replace("-", "").removeprefix("+86")
    if len(digits) == 11 and digits.isdigit() and digits.isascii():  # the usual writings, without parsing
        return digits if _MOBILE.fullmatch(digits) else None
    number = _parsed(text)
    if number is None:
        return None
    national = str(number.national_number)
    return national if _MOBILE.fullmatch(national) else None


def phone_number(text: str | None) -> str | None:
    """A mobile number as ``mobile_number`` gives it, or a landline as ``023-79221234`` (however it was written:
    ``02379221234``, ``(023) 7922 1234``, ``+86 23 7922 1234``); None for anything else."""
    found = mobile_number(text)
    if found or not text:
        return found
    number = _parsed(text)
    if number is None or phonenumbers.number_type(number) not in _LANDLINE_TYPES:
        return None
    national = str(number.national_number)
    area = phonenumbers.length_of_geographical_area_code(number)
    return f"0{national[:area]}-{national[area:]}" if area else f"0{national}"
