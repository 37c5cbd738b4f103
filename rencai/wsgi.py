import os
from pathlib import Path

from django.core.wsgi import get_wsgi_application

from rencai.cli import private_files

private_files()  # gunicorn's workers: uploads, the SQLite database and its WAL stay private
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rencai.settings")

# gunicorn's workers share request metrics through files (prometheus_client multiprocess
# mode): the directory must be set before the middleware creates its first metric.
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    _var = Path(os.environ.get("RENCAI_VAR", Path(__file__).resolve().parent.parent / "var"))
    (_var / "prometheus").mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_var / "prometheus")

application = get_wsgi_application()
