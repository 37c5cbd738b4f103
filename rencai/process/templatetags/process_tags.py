"""{% process_worklist user "change" %}: the worklist component for any process's page."""

from django import template

from rencai.process import selectors

register = template.Library()


@register.inclusion_tag("process/_worklist.html")
def process_worklist(user, process=None, empty=""):
    return {"rows": selectors.worklist(user=user, process=process or None), "empty": empty}


@register.inclusion_tag("process/_deadline.html")
def process_deadline(row):
    from rencai.core import clock
    from rencai.workdays.calendar import remaining_workdays

    if row.due_date is None:
        return {"row": row, "remaining": None}
    return {"row": row, "remaining": remaining_workdays(row.due_date, clock.today())}
