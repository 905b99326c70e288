"""The signed pledge (承诺书): its chain of proof and the signature drawn on a phone."""

from .chain import check_pledge, find_pledge, new_pledge, sign_pledge, text_changed, verify_chain
from .signatures import SignatureRejected, decode_signature

__all__ = [
    "SignatureRejected",
    "check_pledge",
    "decode_signature",
    "find_pledge",
    "new_pledge",
    "sign_pledge",
    "text_changed",
    "verify_chain",
]
