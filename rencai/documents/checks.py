"""System checks for the upload malware scanner (registered in DocumentsConfig.ready).

`check_scanner` runs on every `rencai check` (and at start-up): an unknown scanner name or a
scanner's own `check()` problems (a malformed clamd address) are errors.
`check_scanner_in_production` runs with `check --deploy`: "none" scans nothing, so it is an
error in production (where it also refuses every upload rather than accept it unscanned).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error

HINT = (
    "Set RENCAI_MALWARE_SCANNER=clamd and RENCAI_CLAMD_ADDRESS=unix:///run/clamav/clamd.ctl "
    "(or tcp://host:3310) to a running clamd (Debian: clamav-daemon)."
)


def check_scanner(app_configs=None, **kwargs) -> list[Error]:
    from rencai.documents.scanners import scanner

    try:
        problems = scanner().check()
    except LookupError as exc:
        return [Error(f"RENCAI_MALWARE_SCANNER: {exc}", hint=HINT, id="documents.E001")]
    return [
        Error(
            f"RENCAI_MALWARE_SCANNER={settings.RENCAI_MALWARE_SCANNER}: {problem}.",
            hint=HINT,
            id="documents.E002",
        )
        for problem in problems
    ]


def check_scanner_in_production(app_configs=None, **kwargs) -> list[Error]:
    if not settings.PRODUCTION or settings.RENCAI_MALWARE_SCANNER != "none":
        return []
    return [
        Error(
            "RENCAI_MALWARE_SCANNER=none in production: uploads would not be scanned for "
            "malware, so every upload is refused.",
            hint=HINT,
            id="documents.E003",
        )
    ]
