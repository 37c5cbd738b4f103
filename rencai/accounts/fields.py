"""A text column encrypted at rest with the field key (rencai.core.crypto, as ID numbers).

Python sees the plaintext; the database holds AES-GCM ciphertext bound to `context`.
Empty stays empty, so `filter(field="")` and blank checks keep working; encryption is
randomised, so equality lookups on a non-empty value do not.
"""

from __future__ import annotations

from django.db import models

from rencai.core import crypto


class EncryptedTextField(models.TextField):
    def __init__(self, *args, context: str, **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return crypto.decrypt(value, context=self.context)
        except Exception as exc:  # InvalidTag, bad base64: the wrong key, not user input
            raise ValueError(
                f"{self.context}: cannot decrypt a stored value (is RENCAI_FIELD_KEY the key "
                "it was written with?)"
            ) from exc

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value, context=self.context)
