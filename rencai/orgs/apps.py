from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "rencai.orgs"
    label = "orgs"
    verbose_name = "单位与机构 Units and offices"

    def ready(self):
        from rencai.orgs import checks  # noqa: F401 - registers the database checks
