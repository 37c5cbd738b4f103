"""One numbering service: PREFIXyyyy-nnnnnn, gap-free per (prefix, year)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from rencai.core import clock
from rencai.process.models import NumberSequence


def number_next(*, prefix: str, now: datetime | None = None) -> str:
    """BG2026-000123. The (prefix, year) row lock serialises callers until they commit."""
    year = (now or clock.now()).astimezone(clock.SHANGHAI).year
    with transaction.atomic():
        qs = NumberSequence.objects.select_for_update()
        row = qs.filter(prefix=prefix, year=year).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = NumberSequence.objects.create(prefix=prefix, year=year, last=0)
            except IntegrityError:  # created concurrently
                row = qs.get(prefix=prefix, year=year)
        row.last += 1
        row.save(update_fields=["last"])
    return f"{prefix}{year}-{row.last:06d}"
