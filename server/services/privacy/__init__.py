"""Personal data: masking, encryption at rest, the full phone number on request, the audit log, retention."""

from .crypto import FieldCipher
from .household_views import HOUSEHOLD_VIEWS, household_view
from .masking import mask_name, mask_phone, mask_phones_in
from .personal_data import REASON_LENGTH, ReasonMissing, UnmaskRefused, reveal_phone
from .retention import TooEarly, purge_campaign
