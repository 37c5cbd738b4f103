"""Sessions end for good (session_generation in the auth hash) and TOTP secrets are
encrypted at rest with the field key, like ID numbers.

The secret column is widened to text first (ciphertext is longer than 64 characters),
existing secrets are encrypted in place, then the field becomes the encrypting field
(same column type: no schema change). Reversible: decrypts back to plaintext."""

from django.db import migrations, models

import rencai.accounts.fields
from rencai.core import crypto

CONTEXT = "totp_secret"


def encrypt_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, secret in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
        User.objects.filter(pk=pk).update(totp_secret=crypto.encrypt(secret, context=CONTEXT))


def decrypt_secrets(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for pk, token in User.objects.exclude(totp_secret="").values_list("pk", "totp_secret"):
        User.objects.filter(pk=pk).update(totp_secret=crypto.decrypt(token, context=CONTEXT))


class Migration(migrations.Migration):
    rencai_safety = (
        "accounts_user is small (people, not cases); the secrets' column widens and is "
        "rewritten once, in one transaction; read only by the TOTP step"
    )
    dependencies = [
        ("accounts", "0004_external_identity"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="session_generation",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AlterField(
            model_name="user",
            name="totp_secret",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets, elidable=False),
        migrations.AlterField(
            model_name="user",
            name="totp_secret",
            field=rencai.accounts.fields.EncryptedTextField(
                blank=True, context="totp_secret", editable=False
            ),
        ),
    ]
