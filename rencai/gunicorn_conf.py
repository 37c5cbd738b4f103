"""gunicorn settings that belong to the application rather than the host (`rencai serve`
passes `--config python:rencai.gunicorn_conf`; command-line options override these)."""

import os

# The project's masking on the access and error logs (ID numbers, mobiles, codes).
logger_class = "rencai.core.gunicorn.MaskingLogger"
# Files gunicorn itself writes (log files, a unix socket) private to the service user.
umask = 0o077
os.umask(umask)
# gunicorn 27's runtime control socket (~/.gunicorn/gunicorn.ctl, one path shared by every
# gunicorn of the user): unused here, and one way fewer into a running server.
control_socket_disable = True
