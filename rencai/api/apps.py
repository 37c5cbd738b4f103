from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rencai.api"
    label = "api"
