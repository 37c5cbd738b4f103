from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "rencai.process"
    label = "process"
    verbose_name = "办理流程 Process engine"
