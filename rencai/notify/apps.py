from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "rencai.notify"
    label = "notify"
    verbose_name = "通知 Notifications"

    def ready(self):
        from django.core import checks

        from rencai.notify.checks import check_channels, check_channels_in_production

        checks.register(check_channels, "notify")
        checks.register(check_channels_in_production, "notify", deploy=True)
