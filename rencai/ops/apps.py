from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations as features: backup and restore, readiness, metrics."""

    name = "rencai.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self):
        from django.core import checks

        from rencai.ops.checks_scale import check_unit_search_memory

        checks.register(check_unit_search_memory, "database", deploy=True)
