"""System checks for the delivery channels (registered in NotifyConfig.ready).

`check_channels` runs on every `rencai check` (and at start-up): an unknown channel name
or a channel's own `check()` problems (http without URL, smtp without host) are errors.
`check_channels_in_production` runs with `check --deploy`: in production the console
channels deliver nothing, so they are errors there.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

SETTING = {"sms": "RENCAI_SMS_BACKEND", "email": "RENCAI_EMAIL_CHANNEL"}
LABEL = {"sms": "SMS", "email": "email"}


def check_channels(app_configs=None, **kwargs) -> list[Error]:
    from rencai.notify.channels import channel_for, channel_name

    errors = []
    for kind, setting in SETTING.items():
        try:
            channel = channel_for(kind)
        except LookupError as exc:
            errors.append(Error(f"{setting}: {exc}", id="notify.E001"))
            continue
        for problem in channel.check():
            errors.append(
                Error(
                    f"{setting}={channel_name(kind)}: {problem}.",
                    hint="See docs/operations.md, Configuration.",
                    id="notify.E002",
                )
            )
    return errors


def check_channels_in_production(app_configs=None, **kwargs) -> list[Error]:
    from rencai.notify.channels import channel_name

    if not settings.PRODUCTION:
        return []
    hints = {
        "sms": "Set RENCAI_SMS_BACKEND=http with RENCAI_SMS_HTTP_URL and RENCAI_SMS_HTTP_TOKEN.",
        "email": "Set RENCAI_EMAIL_CHANNEL=smtp with EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER…).",
    }
    return [
        Error(
            f"{setting}=console in production: no {LABEL[kind]} would be delivered "
            "(the console channel only logs, and the development inbox is off).",
            hint=hints[kind],
            id="notify.E003",
        )
        for kind, setting in SETTING.items()
        if channel_name(kind) == "console"
    ]
