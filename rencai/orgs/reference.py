"""Reference data from the seed's office table: districts, windows, city bureau, departments."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from rencai.orgs.models import District, Office

DATA = Path(__file__).parent / "data" / "offices.json"


@transaction.atomic
def offices_load() -> str:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for order, (code, name, _unused, point, address, phones, morning, afternoon) in enumerate(
        data["districts"]
    ):
        district, _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        Office.objects.update_or_create(
            code=f"district-{code}",
            defaults={
                "kind": Office.Kind.DISTRICT_WINDOW,
                "name": f"广州市{name}人力资源和社会保障局",
                "short_name": f"{name}人社局",
                "service_point": point,
                "district": district,
                "address": address,
                "phones": phones,
                "hours_morning": morning,
                "hours_afternoon": afternoon,
                "sort_order": order,
            },
        )
    for key, kind, order in (("city_bureau", "city", 100), ("data_centre", "data_centre", 101)):
        entry = data[key]
        Office.objects.update_or_create(
            code=entry["code"],
            defaults={
                "kind": kind,
                "name": entry["name"],
                "short_name": entry["short_name"],
                "service_point": entry["service_point"],
                "email": entry["email"],
                "phones": entry["phones"],
                "sort_order": order,
            },
        )
    for order, (code, name, short) in enumerate(data["supervisory"], start=200):
        # Contacts of departments are maintained by the bureau in the admin; keep edits.
        Office.objects.get_or_create(
            code=f"dept-{code}",
            defaults={
                "kind": Office.Kind.SUPERVISORY,
                "name": name,
                "short_name": short,
                "sort_order": order,
            },
        )
    return f"offices {data['version']}: {District.objects.count()} districts, {Office.objects.count()} offices"
