"""gunicorn's logs through the project's masking: the access log's request line, query
string and Referer (an admin search, a lookup link) and the error log never hold an ID
number, a mobile number or a labelled one-time code in clear.

`rencai serve` runs gunicorn with `--config python:rencai.gunicorn_conf`, which names
`MaskingLogger`; whoever starts gunicorn by hand passes the same option."""

from __future__ import annotations

from gunicorn.glogging import Logger

from rencai.core.logging import MaskPersonalNumbers
from rencai.core.masking import scrub_url

# Atoms that carry a URL or a query string (the rest: numbers, the user agent, a timestamp).
URL_ATOMS = ("r", "U", "q", "f", "{referer}i", "{raw_uri}e", "{query_string}e")


class MaskingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        # Every line, whatever the format: the access log's and the error log's.
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, MaskPersonalNumbers) for f in log.filters):
                log.addFilter(MaskPersonalNumbers())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in URL_ATOMS:
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = scrub_url(value)
        return atoms
