"""Encrypting personal fields at rest (Fernet, from ``cryptography``), with a key from the environment."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re

from cryptography.fernet import Fernet, InvalidToken

from models.personal import cipher  # the one accessor; models reach it too, and cannot import upwards


class FieldCipher:
    """Encrypts and decrypts short strings, such as phone numbers, for storage."""

    def __init__(self, key: str):
        raw = key.encode() if isinstance(key, str) else key
        self._fernet = Fernet(raw)
        self._index_key = hashlib.sha256(b"qiaomen-blind-index:" + raw).digest()

    @classmethod
    def from_config(cls, config) -> "FieldCipher":
        """The cipher of ``DATA_ENCRYPTION_KEY``; outside production, one derived from ``SECRET_KEY`` if unset."""
        key = config.get("DATA_ENCRYPTION_KEY")
        if not key:
            digest = hashlib.sha256(b"qiaomen-data-key:" + config["SECRET_KEY"].encode()).digest()
            key = base64.urlsafe_b64encode(digest).decode()
        return cls(key)

    def encrypt(self, value: str | None) -> str | None:
        return self._fernet.encrypt(value.encode()).decode() if value else None

    def decrypt(self, token: str | None) -> str | None:
        """The plain value, or None for nothing stored. Raises ``InvalidToken`` under a wrong key."""
        return self._fernet.decrypt(token.encode()).decode() if token else None

    def blind_index(self, phone: str | None) -> str | None:
        """A keyed hash of a phone number's digits: equal for equal numbers however written, so it can be searched.

        ``138-1234-5678`` and ``13812345678`` give the same index; without the key it reveals nothing.
        """
        digits = re.sub(r"\D", "", phone or "")
        if not digits:
            return None
        return hmac.new(self._index_key, digits.encode(), hashlib.sha256).hexdigest()[:32]


__all__ = ["FieldCipher", "InvalidToken", "cipher"]
