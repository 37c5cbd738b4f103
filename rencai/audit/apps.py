from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "rencai.audit"
    label = "audit"
    verbose_name = "审计日志 Audit log"

    def ready(self):
        from rencai.audit import admin_log

        admin_log.connect()  # every change made through the Django admin is audited
