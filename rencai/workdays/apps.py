from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "rencai.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from django.core import checks

        from rencai.workdays.checks import check_official_schedule_loaded

        checks.register(check_official_schedule_loaded, "workdays")
