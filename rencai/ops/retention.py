"""Retention (PIPL art. 19, 47): personal data is kept as long as its purpose needs, then
anonymised; abandoned drafts are deleted after a reminder. A worker sweep.

Per outcome, `settings.RENCAI_RETENTION_DAYS` days after a case closed:
- the case keeps what the statistics need (category, route, offices, unit, education
  level, school, dates, status) and loses the certificate numbers and dates;
- its attachments and the card's PDF are deleted from storage, the card keeps its number
  and dates (so verification can say it existed) but not the holder's name or number;
- a person none of whose cases is open or still within its period, and who has not logged
  in for the same time, is anonymised too (name, ID number, mobile, e-mail, login name);
  officials and unit admins are not (their accounts are records of office).
Kept on purpose: the case history and the audit log (append-only and hash-chained, and
written without personal numbers), and a settlement's blind index, which the
re-application block (禁止再报) needs and which identifies no one without the field key.

A draft nobody touched for `draft` days gets an SMS saying when it will be deleted; if it is
still untouched `RENCAI_DRAFT_DELETE_NOTICE_DAYS` later, it is deleted with its files.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from rencai.audit.services import audit_record
from rencai.core import clock
from rencai.ops.models import AnonymisedCase, DraftDeletionNotice

DEFAULT_DAYS = {"card_issued": 1825, "rejected": 1095, "withdrawn": 730, "draft": 180}
ANONYMISED_NAME = "（已匿名化）"


def retention_days() -> dict[str, int]:
    return {**DEFAULT_DAYS, **getattr(settings, "RENCAI_RETENTION_DAYS", {})}


def _notice_days() -> int:
    return int(getattr(settings, "RENCAI_DRAFT_DELETE_NOTICE_DAYS", 30))


def _delete_stored(*names: str) -> None:
    for name in names:
        if name and default_storage.exists(name):
            default_storage.delete(name)


def _delete_documents(folder) -> int:
    docs = list(folder.documents.all())
    folder.documents.update(replaced_by=None)  # PROTECT between versions of one file
    for doc in docs:
        _delete_stored(doc.file.name, doc.preview.name if doc.preview else "")
    folder.documents.all().delete()
    return len(docs)


def _person_done(user, now, days: dict[str, int]) -> bool:
    """No open case, every case anonymised, no role, not seen for the shortest period."""
    from rencai.cases.models import Case

    if user.role_grants.exists() or user.is_staff or user.is_superuser:
        return False
    if Case.objects.filter(applicant=user).exclude(anonymised__isnull=False).exists():
        return False
    quiet_since = now - timedelta(days=min(days.values()))
    return (user.last_login or user.date_joined) < quiet_since


def _anonymise_person(user) -> None:
    user.real_name = ANONYMISED_NAME
    user.name_pinyin = ""
    user.id_number_encrypted = ""
    user.id_number_index = None
    user.id_number_masked = ""
    user.mobile = None
    user.email = ""
    user.login_name = f"anonymised-{user.pk}"
    user.password = make_password(None)
    user.is_active = False
    user.save()
    user.external_identities.all().delete() if hasattr(user, "external_identities") else None
    audit_record(event="retention.person_anonymised", obj=user)


def case_anonymise(*, case, now) -> None:
    from rencai.cases.models import Case

    case = Case.objects.select_for_update().get(pk=case.pk)
    if AnonymisedCase.objects.filter(case=case).exists():
        return
    for field in ("diploma_number", "degree_number", "certificate_number"):
        setattr(case, field, "")
    case.graduation_date = case.certificate_date = None
    case.save(
        update_fields=[
            "diploma_number", "degree_number", "certificate_number", "graduation_date",
            "certificate_date",
        ]
    )  # fmt: skip
    files = _delete_documents(case.folder)
    card = getattr(case, "card", None)
    if card is not None:
        _delete_stored(card.pdf.name if card.pdf else "")
        card.holder_name, card.id_number_masked, card.pdf = ANONYMISED_NAME, "", ""
        card.save(update_fields=["holder_name", "id_number_masked", "pdf"])
    AnonymisedCase.objects.create(case=case, anonymised_at=now)
    audit_record(event="retention.case_anonymised", obj=case, detail=f"files={files}")


def _due_closed(now, days):
    from rencai.cases.models import Case

    due = Q()
    for status in ("card_issued", "rejected", "withdrawn"):
        due |= Q(status=status, closed_at__lt=now - timedelta(days=days[status]))
    return Case.objects.filter(due, anonymised__isnull=True).order_by("closed_at", "pk")


def _abandoned_drafts(now, days):
    from rencai.cases.models import Case

    return Case.objects.filter(
        status=Case.Status.DRAFT,
        updated_at__lt=now - timedelta(days=days["draft"]),
        events__isnull=True,  # a draft with a history (reopened) is a record: not deleted
    ).order_by("updated_at", "pk")


def _draft_remind(case, now) -> None:
    from rencai.notify.services import sms_enqueue

    delete_on = (now + timedelta(days=_notice_days())).date()
    DraftDeletionNotice.objects.create(case=case, notified_at=now)
    if case.applicant.mobile:
        sms_enqueue(
            mobile=case.applicant.mobile,
            body=f"【人才引进】您的入户申请草稿{case.number}已长期未更新，将于{delete_on:%Y年%m月%d日}"
            "删除（含已上传附件）。如需保留，请在此之前登录并保存一次。",
            key=f"retention:draft:{case.pk}",
        )
    audit_record(event="retention.draft_reminded", obj=case)


def _draft_delete(case) -> None:
    number, folder = case.number, case.folder
    _delete_documents(folder)
    case.delete()
    folder.delete()
    audit_record(event="retention.draft_deleted", object_type="cases.case", object_id=number)


def retention_sweep(*, batch: int = 100) -> int:
    """One round: anonymise due closed cases (and finished people), remind about and then
    delete abandoned drafts. Returns how many things it did."""
    from rencai.cases.models import Case

    now, days, done = clock.now(), retention_days(), 0
    for case in list(_due_closed(now, days).select_related("applicant")[:batch]):
        with transaction.atomic():
            case_anonymise(case=case, now=now)
            if _person_done(case.applicant, now, days):
                _anonymise_person(case.applicant)
        done += 1
    reminded = _abandoned_drafts(now, days).filter(deletion_notice__isnull=True)
    for case in list(reminded.select_related("applicant")[:batch]):
        with transaction.atomic():
            _draft_remind(case, now)
        done += 1
    expired = DraftDeletionNotice.objects.filter(
        notified_at__lt=now - timedelta(days=_notice_days())
    ).select_related("case")
    for notice in list(expired[:batch]):
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=notice.case_id).first()
            if case is None:
                continue
            if case.status != Case.Status.DRAFT or case.updated_at > notice.notified_at:
                notice.delete()  # saved or submitted since the reminder: kept
            else:
                _draft_delete(case)
        done += 1
    return done
