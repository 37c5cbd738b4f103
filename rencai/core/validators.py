"""Validators shared by forms (the API's equivalents are in rencai.api.schemas)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from rencai.core import clock


@deconstructible
class NotFutureValidator:
    """A date that cannot lie after today (certificate issued, graduated). The form hook
    (rencai.core.forms) puts the field's label in front of the message."""

    code = "date_in_future"
    message = _("不能晚于今天（%(today)s），请按证书填写")

    def __call__(self, value) -> None:
        if value is not None and value > clock.today():
            raise ValidationError(
                self.message, code=self.code, params={"today": clock.today().isoformat()}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, NotFutureValidator)


not_future = NotFutureValidator()
