from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rencai.core"
    label = "core"
    verbose_name = "Rencai core"

    def ready(self):
        from rencai.core import forms

        forms.install()  # the text rule and field-naming messages on every form
