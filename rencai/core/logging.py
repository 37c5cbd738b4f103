import logging

from rencai.core.masking import scrub


class MaskPersonalNumbers(logging.Filter):
    """Never let an ID or mobile number reach a log line in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True
