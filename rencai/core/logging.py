import logging

from rencai.core.masking import mask_labelled_codes, scrub


class MaskPersonalNumbers(logging.Filter):
    """Never let an ID number, a mobile number or a one-time code reach a log line in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_labelled_codes(scrub(record.getMessage()))
        record.args = ()
        for name in ("path", "detail"):  # structured fields that carry free text
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, mask_labelled_codes(scrub(value)))
        return True


# --- request context: one id per request, on every line written while it runs -----------
import contextvars  # noqa: E402

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
user_id: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="")


class RequestContext(logging.Filter):
    """Adds the current request id and user id (never a name or number) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or request_id.get()
        record.user_id = getattr(record, "user_id", None) or user_id.get()
        return True
