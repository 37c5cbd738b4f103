"""One domain error type, mapped to one message style in pages and one shape in the API."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request. `message` is shown to the user (Chinese first)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        # May be lazy (gettext_lazy / format_lazy): `message` renders it in the language
        # active when it is read (the viewer's), not the one active when it was raised
        # (case_transition works under the site language).
        self._message = message
        self.field = field
        if code:
            self.code = code

    @property
    def message(self) -> str:
        return str(self._message)

    @message.setter
    def message(self, value: str) -> None:
        self._message = value

    def __str__(self) -> str:
        return self.message


class NotFound(DomainError):
    """Also used for 'exists but not yours': never hint that an object exists."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object moved on (forbidden transition, concurrent change)."""

    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


class Forbidden(DomainError):
    """Known user, but a precondition of access is missing (e.g. the second factor)."""

    status = 403
    code = "forbidden"
