"""Cards get their holder, and the database keeps at most one valid card per person.

Existing cards take the holder from their case. Where a person already holds several
valid cards (issued before this invariant, e.g. from two concurrent applications), the
newest stays valid and the older ones are revoked, with the reason on the card.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


DUPLICATE_REASON = "同一人员重复出具的入户卡，系统升级时作废（保留最新出具的一张）"


def holders_backfill(apps, schema_editor):
    """Holder from the case; of one person's valid cards the newest stays valid. Duplicates
    are revoked before their holder is set, so this also runs under the constraint."""
    Card = apps.get_model("cards", "Card")
    now = timezone.now()
    valid = Card.objects.filter(holder__isnull=False, revoked_at__isnull=True)
    holding = set(valid.values_list("holder_id", flat=True))
    rows = (
        Card.objects.filter(case__isnull=False, holder__isnull=True)
        .order_by("case__applicant_id", "-issued_on", "-id")
        .values_list("pk", "case__applicant_id", "revoked_at")
    )
    for pk, applicant_id, revoked_at in list(rows):
        cards = Card.objects.filter(pk=pk)
        if revoked_at is None and applicant_id in holding:
            cards.update(holder_id=applicant_id, revoked_at=now, revoke_reason=DUPLICATE_REASON)
            continue
        if revoked_at is None:
            holding.add(applicant_id)
        cards.update(holder_id=applicant_id)


class Migration(migrations.Migration):
    rencai_safety = (
        "cards_card holds one row per issued card (tens of thousands a year): the backfill "
        "and the partial unique index take seconds; card issuance waits that long"
    )
    dependencies = [
        ("cards", "0001_initial"),
        ("cases", "0006_case_unit_changeable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="holder",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="持卡人",
            ),
        ),
        migrations.RunPython(holders_backfill, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="card",
            constraint=models.UniqueConstraint(
                condition=models.Q(("holder__isnull", False), ("revoked_at__isnull", True)),
                fields=("holder",),
                name="card_one_valid_per_holder",
            ),
        ),
    ]
