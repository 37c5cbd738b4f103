from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "rencai.reference"
    label = "reference"
    verbose_name = "参考数据版本 Reference data versions"
