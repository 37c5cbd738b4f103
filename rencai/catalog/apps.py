from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "rencai.catalog"
    label = "catalog"
