"""Writes: change requests (信息变更申请).

Submissions are declared in submissions.py (checked by rencai.process.submit) and then go
through rencai.process.engine (processes.py declares the table; effects.py applies an
approved change in the same transaction).
"""

from __future__ import annotations

from rencai.changes.attachments import ATTACHMENTS
from rencai.changes.models import ChangeRequest
from rencai.changes.processes import CHANGE
from rencai.changes.submissions import KINDS
from rencai.core import clock
from rencai.orgs.approvers import data_centre
from rencai.orgs.models import Unit
from rencai.process import engine
from rencai.process.reviewed import decision, sweeper
from rencai.process.submit import REQUIRED, dispatch, service

Kind = ChangeRequest.Kind


def _create(
    *,
    kind: str,
    requester,
    request,
    files,
    draft,
    acting_unit: Unit | None = None,
    required: tuple[str, ...] | None = None,
    note: str = "",
    **values,
) -> ChangeRequest:
    """Collect the attachments, then start the request through the engine."""
    folder = ATTACHMENTS.attach(
        kind=kind, user=requester, files=files, draft=draft, required=required
    )
    change = ChangeRequest(
        kind=kind, requester=requester, acting_unit=acting_unit, office=data_centre(),
        folder=folder, submitted_at=clock.now(), note=(note or "").strip()[:1000], **values,
    )  # fmt: skip
    return engine.start(
        process=CHANGE, obj=change, action="submit", actor=requester, request=request
    )


_COMMON = {"requester": REQUIRED, "files": {}, "draft": None, "request": None, "note": ""}
#: Each kind's service (rencai.changes.submissions declares them); keyword-only, atomic.
SUBMIT = {kind: service(declared, _create, _COMMON) for kind, declared in KINDS.items()}
change_request_unit_new = SUBMIT[Kind.UNIT_NEW]
change_request_unit_change = SUBMIT[Kind.UNIT_CHANGE]
change_request_institution_new = SUBMIT[Kind.INSTITUTION_NEW]
change_request_major_new = SUBMIT[Kind.MAJOR_NEW]
change_request_unit_contact = SUBMIT[Kind.UNIT_CONTACT]


#: One way in for every kind (pages and API): the kind's service above, given the values it
#: takes (the rest — other kinds' fields, attachments by type — is ignored).
change_request_submit = dispatch(SUBMIT)


# --- decisions and overdue reminders: the engine's transition and deadline sweep -------

change_request_approve = decision(CHANGE, "approve", obj="change", actor="reviewer")
change_request_reject = decision(CHANGE, "reject", obj="change", actor="reviewer")
#: Remind the data service centre's reviewers once when a change request is overdue.
change_reminders_sweep = sweeper(CHANGE)
