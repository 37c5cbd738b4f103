from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "rencai.support"
    label = "support"
    verbose_name = _("咨询反馈与服务评价")

    def ready(self) -> None:
        from rencai.support import processes  # noqa: F401 (registers ticket, work_order)
