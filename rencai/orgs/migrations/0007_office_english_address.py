"""English forms of the offices' service points and addresses (issue #11), filled for the
shipped offices from data/offices.json; offices edited in the admin get theirs there."""

import json
from pathlib import Path

from django.db import migrations, models

DATA = Path(__file__).resolve().parent.parent / "data" / "offices.json"


def _fill(apps, schema_editor):
    Office = apps.get_model("orgs", "Office")
    english = json.loads(DATA.read_text(encoding="utf-8")).get("english", {})
    for key, value in english.items():
        if key.startswith("_"):
            continue
        point, address = value
        code = key if not key.isdigit() else f"district-{key}"
        Office.objects.filter(code=code, service_point_en="", address_en="").update(
            service_point_en=point, address_en=address
        )


class Migration(migrations.Migration):
    # The office table holds a few dozen rows: adding blank columns is instant.
    rencai_safety = "orgs_office holds a few dozen rows"

    dependencies = [
        ("orgs", "0006_office_contact_customised"),
    ]

    operations = [
        migrations.AddField(
            model_name="office",
            name="address_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="地址（英文）"),
        ),
        migrations.AddField(
            model_name="office",
            name="service_point_en",
            field=models.CharField(blank=True, max_length=150, verbose_name="受理点（英文）"),
        ),
        migrations.RunPython(_fill, migrations.RunPython.noop),
    ]
