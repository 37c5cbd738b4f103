from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "rencai.cases"
    label = "cases"
    verbose_name = "入户申请"

    def ready(self):
        from django.core import checks

        from rencai.cases import draft_cache, process, status_cache  # noqa: F401 (the case process)
        from rencai.cases.checks import check_department_chains
        from rencai.cases.permissions import case_document_permission
        from rencai.cases.services_draft_unit import register_effect
        from rencai.documents.permissions import register

        checks.register(check_department_chains, checks.Tags.database)
        register("case", case_document_permission)
        register_effect()  # the change process fills in waiting drafts (issue #11)
        status_cache.connect()  # the status page's body from the shared cache, bumped on change
        draft_cache.connect()  # the draft page likewise
