"""System check: every identity provider's own `check()` (registered in AccountsConfig.ready)."""

from __future__ import annotations

from django.core.checks import Error


def check_identity_providers(app_configs=None, **kwargs) -> list[Error]:
    from rencai.accounts import identity

    return [
        Error(
            f"identity provider {provider.name!r}: {problem}.",
            hint="Set every RENCAI_OIDC_* variable, or none (docs/operations.md).",
            id="accounts.E001",
        )
        for provider in identity.all_providers()
        for problem in provider.check()
    ]
