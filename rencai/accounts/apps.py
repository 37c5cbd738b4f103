from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rencai.accounts"
    label = "accounts"
    verbose_name = "账号 Accounts"

    def ready(self):
        from django.core import checks

        from rencai.accounts.checks import check_identity_providers

        checks.register(check_identity_providers, "accounts")
