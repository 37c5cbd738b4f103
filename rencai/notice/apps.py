from django.apps import AppConfig


class NoticeConfig(AppConfig):
    name = "rencai.notice"
    label = "notice"
    verbose_name = "公示与异议 Public notice and objections"
