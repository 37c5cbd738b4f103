from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "rencai.workdays"
    label = "workdays"
