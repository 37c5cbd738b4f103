from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "rencai.verification"
    label = "verification"
    verbose_name = _("数据核验与秒批")

    def ready(self):
        # Guards and effects named in the workflow table's 秒批 block register themselves
        # in the cases registries; the signals queue verification requests.
        from rencai.verification import signals, workflow_hooks  # noqa: F401
