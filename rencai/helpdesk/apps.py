from django.apps import AppConfig

# Generation of the cached help-centre fragments (rencai.core.cache).
HELP_GENERATION = "help"


class HelpdeskConfig(AppConfig):
    name = "rencai.helpdesk"
    label = "helpdesk"

    def ready(self):
        from rencai.core.cache import bump_on_change
        from rencai.helpdesk.models import Article

        bump_on_change(HELP_GENERATION, Article)
