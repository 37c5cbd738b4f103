"""{% elder_mode as ELDER %}: whether the page renders as 长辈版 (views_display)."""

from django import template

from rencai.accounts.views_display import elder_mode_on

register = template.Library()


@register.simple_tag(takes_context=True)
def elder_mode(context) -> bool:
    request = context.get("request")
    return elder_mode_on(request) if request is not None else False
