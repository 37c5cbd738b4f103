import os

from django.core.wsgi import get_wsgi_application

from rencai.cli import private_files

private_files()  # gunicorn's workers: uploads, the SQLite database and its WAL stay private
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")
application = get_wsgi_application()
