from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "rencai.backoffice"
    label = "backoffice"
