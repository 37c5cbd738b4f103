from django.apps import AppConfig


class NoticeConfig(AppConfig):
    name = "rencai.notice"
    label = "notice"
    verbose_name = "公示与异议 Public notice and objections"

    def ready(self):
        from rencai.notice import process  # noqa: F401 (registers the objection process)
