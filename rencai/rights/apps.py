from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rencai.rights"
    label = "rights"
    verbose_name = "单位系统管理员权限 Unit-admin rights"

    def ready(self):
        from rencai.rights import processes  # noqa: F401 (registers the process)
