"""Reference data from the seed's office table: districts, windows, city bureau, departments.

An office edited in the admin is marked `customised` (rencai.orgs.admin.OfficeAdmin) and this
loader never overwrites it again: the bureau's later corrections of an address or a phone
number win over the shipped table. Supervisory departments are only created here; their
contacts are maintained in the admin.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from rencai.orgs.models import District, Office
from rencai.reference.services import dataset_record, files_sha256

DATA = Path(__file__).parent / "data" / "offices.json"
DATASET = "orgs.offices"


def _differs(office: Office, key: str, value) -> bool:
    if key == "district":
        return office.district_id != value.pk
    return getattr(office, key) != value


def _office_put(code: str, values: dict) -> str:
    """Create the office, or bring it up to date unless an admin has edited it."""
    office = Office.objects.filter(code=code).first()
    if office is None:
        Office.objects.create(code=code, **values)
        return "created"
    if office.customised:
        return "kept"
    changed = [key for key, value in values.items() if _differs(office, key, value)]
    if not changed:
        return "unchanged"
    for key in changed:
        setattr(office, key, values[key])
    office.save(update_fields=changed)
    return "updated"


@transaction.atomic
def offices_load() -> str:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    english = data.get("english", {})  # code -> [service point, address] (issue #11)

    def en(code: str) -> dict:
        point, address = english.get(code, ["", ""])
        return {"service_point_en": point, "address_en": address}

    outcomes: list[str] = []
    for order, (code, name, _unused, point, address, phones, morning, afternoon) in enumerate(
        data["districts"]
    ):
        district, _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
        outcomes.append(
            _office_put(
                f"district-{code}",
                {
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
                    **en(code),
                },
            )
        )
    for key, kind, order in (("city_bureau", "city", 100), ("data_centre", "data_centre", 101)):
        entry = data[key]
        outcomes.append(
            _office_put(
                entry["code"],
                {
                    "kind": kind,
                    "name": entry["name"],
                    "short_name": entry["short_name"],
                    "service_point": entry["service_point"],
                    "email": entry["email"],
                    "phones": entry["phones"],
                    "sort_order": order,
                    **en(entry["code"]),
                },
            )
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
    version = dataset_record(
        name=DATASET,
        version=data["version"],
        sha256=files_sha256([DATA]),
        rows=len(data["districts"]) + 2 + len(data["supervisory"]),
        source=data.get("source", ""),
    )
    return (
        f"offices {data['version']}: {District.objects.count()} districts, "
        f"{Office.objects.count()} offices (+{outcomes.count('created')}, "
        f"~{outcomes.count('updated')}, {outcomes.count('kept')} kept as edited); {version}"
    )
