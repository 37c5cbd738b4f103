from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rencai.core"
    label = "core"
    verbose_name = "Rencai core"

    def ready(self):
        from rencai.core import forms

        forms.install()  # the text rule and field-naming messages on every form

        from rencai.core.pagecache import connect_generations

        connect_generations()  # public pages cached for anonymous visitors, bumped on change

        from rencai.core import refcache

        refcache.connect()  # reference data from the shared cache, bumped on change
