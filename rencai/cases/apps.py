from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rencai.cases"
    label = "cases"
