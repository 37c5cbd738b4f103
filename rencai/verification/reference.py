"""The example rule set and category policy, marked 示例配置: no rule cites a legal source
yet; the city bureau replaces them in the admin with its published conditions."""

from __future__ import annotations

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


def example_rules_load() -> str:
    """Reference loader (settings.RENCAI_REFERENCE_LOADERS): adds what is missing, keeps edits."""
    from rencai.verification.models import CategoryPolicy as Policy
    from rencai.verification.models import EligibilityRule as Rule

    before = Rule.objects.count(), Policy.objects.count()
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
    return (
        f"eligibility rules: {Rule.objects.count() - before[0]} added (example configuration); "
        f"category policies: {Policy.objects.count() - before[1]} added"
    )
