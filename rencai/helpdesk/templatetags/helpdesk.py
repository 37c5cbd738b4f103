"""Safe rendering of plain-text answers: escape everything, then link URLs and e-mail addresses."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

# ASCII-only on purpose: FAQ text runs URLs straight into Chinese punctuation ("…aspx）页面").
_LINK = re.compile(
    r"(?P<url>https?://[A-Za-z0-9._~:/?#@!$&*+;=%-]+[A-Za-z0-9/_=-])"
    r"|(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)


@register.filter(is_safe=True)
def helptext(value: str) -> str:
    out, pos = [], 0
    for m in _LINK.finditer(value or ""):
        out.append(escape(value[pos : m.start()]))
        if m.group("url"):
            out.append(
                format_html(
                    '<a href="{}" rel="noopener noreferrer external">{}</a>', m["url"], m["url"]
                )
            )
        else:
            out.append(format_html('<a href="mailto:{}">{}</a>', m["email"], m["email"]))
        pos = m.end()
    out.append(escape((value or "")[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
