from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "rencai.changes"
    label = "changes"
    verbose_name = "信息变更申请 Change requests"
