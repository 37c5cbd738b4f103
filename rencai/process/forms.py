"""Forms every request kind shares: a request form whose attachment fields come from the
kind's declaration (rencai.process.attachments), and the decide form of reviewed requests.
They only shape input; the rules live in the kind's services."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FILE_HELP = _("JPEG、PNG 或 PDF，单个文件不超过 %(mb)s MB。")


def _file_help_text(mb: str, required_hint: bool) -> str:
    text = FILE_HELP % {"mb": mb}
    return gettext("必传。") + text if required_hint else text


_file_help = lazy(_file_help_text, str)


def file_field(label: str, *, required_hint: bool = False) -> forms.FileField:
    """An optional upload (the service says what is missing); 必传 in its help when asked."""
    from django.conf import settings

    mb = f"{settings.RENCAI_UPLOAD_MAX_BYTES / (1024 * 1024):g}"
    return forms.FileField(
        label=label,
        required=False,
        help_text=_file_help(mb, required_hint),  # lazy: in the language of the page
        widget=forms.ClearableFileInput(
            attrs={"accept": ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"}
        ),
    )


def choices(values, blank=None) -> list:
    return [("", blank or _("请选择")), *values]


class RequestFormBase(forms.Form):
    """A request's form for one `kind` of an `attachments` declaration: a file field per
    attachment type the kind may carry (必传 for those `required_hint(kind)` names; by
    default the declaration's required types) and the note."""

    attachments = None
    kind: str = ""
    required_hint = None
    note = forms.CharField(
        label=_("补充说明（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init_subclass__(cls, **kwargs):
        # Still inside the form metaclass: its own declared_fields become the base_fields.
        super().__init_subclass__(**kwargs)
        if not cls.kind:
            return
        a = cls.attachments
        required = (cls.required_hint or a.required)(cls.kind)
        for t in a.types[cls.kind]:
            cls.declared_fields[t] = file_field(a.names[t], required_hint=t in required)

    def main_fields(self):
        skip = {*self.attachments.types[self.kind], "note", "confirm_new"}
        return [self[name] for name in self.fields if name not in skip]

    def file_fields(self):
        return [self[t] for t in self.attachments.types[self.kind] if t in self.fields]


class DecideForm(forms.Form):
    """Approve or reject a reviewed request (the reason: required to reject)."""

    action = forms.ChoiceField(choices=[("approve", _("审核通过")), ("reject", _("不通过"))])
    reason = forms.CharField(
        label=_("审核意见（不通过时必填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
