from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "rencai.documents"
    label = "documents"

    def ready(self):
        from django.conf import settings
        from django.core import checks
        from PIL import Image

        from rencai.documents.checks import check_scanner, check_scanner_in_production

        checks.register(check_scanner, "documents")
        checks.register(check_scanner_in_production, "documents", deploy=True)
        # Backstop for every Image.open in the process (uploads check the header first and
        # give a clearer message): Pillow warns above this and refuses above twice this.
        Image.MAX_IMAGE_PIXELS = settings.RENCAI_UPLOAD_MAX_PIXELS
