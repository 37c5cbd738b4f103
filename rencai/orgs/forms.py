"""The unit picker: choose an employer by registry reference only.

Usage in another app's form::

    from rencai.orgs.forms import UnitChoiceField

    class ApplicationForm(forms.Form):
        unit = UnitChoiceField(label="引进单位")

    # form.cleaned_data["unit"] is an active `rencai.orgs.models.Unit`.

The submitted value must be a unit id — the primary key or the unit's code
(18-character USCC or 9-character organisation code, any case, spaces/dashes
ignored) — of a unit that exists and is active. Anything else is refused with a
field error; a free-typed unit name is never accepted, so "申报记录企业代码丢失"
cannot happen.

What the widget renders (`UnitPickerWidget`, template orgs/widgets/unit_picker.html):

- the chosen unit (name, code, district, nature) with a hidden input carrying its id;
- a search box named ``<field>_q`` and a submit button named ``<field>_search``.
  Without JavaScript the button submits the host form; the host view re-renders
  the bound form (keeping what the user typed) and the widget lists the search
  results as radio buttons named ``<field>`` — choosing one and submitting again
  selects it. The host view can tell a search click from a real submit with
  ``UnitChoiceField.is_search_submit(request.POST, "unit")`` and skip its save
  (errors of other fields are then not shown: pass ``form.is_bound and not is_search``).
- with HTMX the search box live-loads the same radio list from
  ``orgs:search?picker=<field>&q=...`` (fragment) into the widget.
- a link to the standalone search page ``orgs:search`` for picking from a full page.

Also available: the standalone page can return a choice to any of our pages —
``{% url 'orgs:search' %}?next=/cases/new/&field=unit`` shows a "选择" button on
each result that GETs ``next?unit=<id>``; use the GET value as the field's initial.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from rencai.orgs.models import Unit
from rencai.orgs.selectors import unit_resolve_reference, unit_search


class UnitPickerWidget(forms.Widget):
    template_name = "orgs/widgets/unit_picker.html"

    def value_from_datadict(self, data, files, name):
        # Only the id/code input counts; the search text (<name>_q) is never a value.
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        unit = value if isinstance(value, Unit) else unit_resolve_reference(value)
        if unit is not None and not unit.is_active:
            unit = None
        query = ""
        data = getattr(self, "_search_data", None)
        if data is not None:
            query = (data.get(f"{name}_q") or "").strip()
        context["widget"].update(
            {
                "unit": unit,
                "query": query,
                "search_page": unit_search(q=query) if query else None,
                "search_url": reverse("orgs:search"),
            }
        )
        return context


class UnitChoiceField(forms.Field):
    """A reference to an active unit (by id or code). Cleans to a `Unit` instance."""

    widget = UnitPickerWidget
    default_error_messages = {
        "required": "请通过搜索选择引进单位（不能手动填写单位名称）。",
        "invalid": "请从搜索结果中选择单位：“%(value)s”不是已登记单位的编号或代码，不能手动填写单位名称。",
        "inactive": "所选单位“%(name)s”已注销，不能选择。",
    }

    @staticmethod
    def is_search_submit(data, name: str) -> bool:
        """True when the form was submitted by the picker's own search button."""
        return f"{name}_search" in data

    def bound_data(self, data, initial):
        return data

    def get_bound_field(self, form, field_name):
        # Let the widget see the raw search text (<name>_q) of a bound form.
        self.widget._search_data = form.data if form.is_bound else None
        return super().get_bound_field(form, field_name)

    def prepare_value(self, value):
        if isinstance(value, Unit):
            return value.pk
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        unit = value if isinstance(value, Unit) else unit_resolve_reference(value)
        if unit is None:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value)[:60]}
            )
        if not unit.is_active:
            raise ValidationError(
                self.error_messages["inactive"], code="inactive", params={"name": unit.name}
            )
        return unit

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str(self.prepare_value(data) or "")


class UnitPickForm(forms.Form):
    """The standalone picker page's form (also used by its tests)."""

    unit = UnitChoiceField(label="引进单位")
