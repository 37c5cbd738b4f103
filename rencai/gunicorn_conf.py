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
# Idle keep-alive connections stay open 75 s (gunicorn's default is 2 s). The side that
# closes an idle connection must be the client, or a request sent on it just as the server
# closes it is lost (connection reset): nginx's upstream keepalive_timeout is 60 s
# (deploy/nginx-rencai.conf), browsers and HTTP clients keep theirs about as long. The
# threaded worker parks idle connections in its poller, so they hold no thread.
keepalive = 75
