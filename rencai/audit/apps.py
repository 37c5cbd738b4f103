from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rencai.audit"
    label = "audit"
    verbose_name = "审计日志 Audit log"

    def ready(self):
        from django.core import checks
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from rencai.audit import admin_log, triggers
        from rencai.audit.checks import check_retention

        admin_log.connect()  # every change made through the Django admin is audited
        connection_created.connect(triggers.register_sqlite_functions)
        # After every migrate: SQLite drops triggers when Django rebuilds a table.
        post_migrate.connect(triggers.install_all, sender=self)
        checks.register(check_retention, "audit")
