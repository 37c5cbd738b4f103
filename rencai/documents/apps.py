from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "rencai.documents"
    label = "documents"
