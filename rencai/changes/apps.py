from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "rencai.changes"
    label = "changes"
    verbose_name = "信息变更申请 Change requests"

    def ready(self):
        from rencai.changes import processes  # noqa: F401 (registers the two processes)
        from rencai.changes.selectors import change_document_permission
        from rencai.documents.permissions import register

        register("change_request", change_document_permission)
        register("change_draft", change_document_permission)
