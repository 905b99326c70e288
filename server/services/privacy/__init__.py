"""Personal data: masking, encryption at rest, the full phone number on request, the audit log, retention."""

from .crypto import FieldCipher, cipher
from .household_views import HOUSEHOLD_VIEWS, household_view
from .masking import mask_name, mask_phone, mask_phones_in
from .personal_data import REASON_LENGTH, ReasonMissing, UnmaskRefused, reveal_phone
from .phones import mobile_number, phone_number
from .retention import PurgeReport, TooEarly, purge_step

__all__ = [
    "FieldCipher",
    "HOUSEHOLD_VIEWS",
    "PurgeReport",
    "REASON_LENGTH",
    "ReasonMissing",
    "TooEarly",
    "UnmaskRefused",
    "cipher",
    "household_view",
    "mask_name",
    "mask_phone",
    "mask_phones_in",
    "mobile_number",
    "phone_number",
    "purge_step",
    "reveal_phone",
]
