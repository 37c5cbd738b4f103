"""The LOGGING dict of rencai.settings: JSON lines or plain text, personal numbers masked."""

from __future__ import annotations


def logging_settings(*, log_format: str, level: str, request_level: str) -> dict:
    """log_format: "json" or "text" (anything else: json); request_level: the level of the
    one-line-per-request logger (INFO in production; runserver prints its own)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "mask_pii": {"()": "rencai.core.logging.MaskPersonalNumbers"},
            "context": {"()": "rencai.core.logging.RequestContext"},
        },
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                "json_ensure_ascii": False,
            },
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context", "mask_pii"],
                "formatter": log_format if log_format in ("json", "text") else "json",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "axes": {"level": "WARNING"},
            "rencai.request": {"level": request_level},
        },
    }
