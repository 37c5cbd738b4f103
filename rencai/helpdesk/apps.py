from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "rencai.helpdesk"
    label = "helpdesk"
