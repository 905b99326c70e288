"""Personal data: what a phone number is, masking, encryption at rest, the full phone number on request, the audit
log, retention."""

from .crypto import FieldCipher, cipher
from .masking import mask_name, mask_phone, mask_phones_in
from .phones import mobile_number, phone_number
from .personal_data import REASON_LENGTH, ReasonMissing, UnmaskRefused, reveal_phone
from .retention import PurgeReport, TooEarly, purge_step
