"""The example rule set and category policy (marked 示例配置: no rule cites a legal source
yet; the city bureau replaces them in the admin with its published conditions)."""

from django.db import migrations

RULES = [
    # category, kind, name, value, hard, order
    ("education", "education_min", "学历层次", "bachelor", True, 1),
    ("education", "age_max", "送审时年龄", "45", True, 2),
    ("education", "si_months_min", "在引进单位缴纳社保", "6", True, 3),
    ("title", "title_min", "职称级别", "中级", True, 1),
    ("title", "age_max", "送审时年龄", "50", True, 2),
    ("title", "si_months_min", "在引进单位缴纳社保", "6", True, 3),
    ("skill", "skill_min", "职业技能等级", "三级/高级工", True, 1),
    ("skill", "age_max", "送审时年龄", "45", True, 2),
    ("skill", "si_months_min", "在引进单位缴纳社保", "6", True, 3),
]
POLICIES = [("education", True, True, 5), ("title", True, True, 5), ("skill", True, False, 5)]


def load(apps, schema_editor):
    Rule = apps.get_model("verification", "EligibilityRule")
    Policy = apps.get_model("verification", "CategoryPolicy")
    for category, kind, name, value, hard, order in RULES:
        Rule.objects.get_or_create(
            category=category, kind=kind,
            defaults={"name": name, "value": value, "hard": hard, "sort_order": order},
        )  # fmt: skip
    for category, instant, notice, sample in POLICIES:
        Policy.objects.get_or_create(
            category=category,
            defaults={"instant_approval": instant, "public_notice": notice, "sample_percent": sample},
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
