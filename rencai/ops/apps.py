from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operations as features: backup and restore, readiness, metrics."""

    name = "rencai.ops"
    label = "ops"
    verbose_name = "运维"
