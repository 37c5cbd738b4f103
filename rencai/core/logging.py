import logging

from rencai.core.masking import mask_labelled_codes, scrub


class MaskPersonalNumbers(logging.Filter):
    """Never let an ID number, a mobile number or a one-time code reach a log line in clear."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_labelled_codes(scrub(record.getMessage()))
        record.args = ()
        return True
