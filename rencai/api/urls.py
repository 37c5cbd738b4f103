"""The JSON API (django-ninja, OpenAPI 3 at /api/docs and /api/openapi.json).

Each domain app owns a router in its own `api.py`; this module only mounts them.
The root urlconf mounts `api.urls` at /api/.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from rencai.api.docs import LocalSwagger
from rencai.api.errors import declare_error_responses, install_error_handlers
from rencai.api.throttles import api_throttles

api = NinjaAPI(
    title="Rencai API",
    version="1",
    description="人才引进入户申办 JSON API. Session auth with CSRF, same services as the pages. "
    "Every error answer has one shape: "
    '{"code", "message" (Chinese first, naming the field), "field", "errors": [{"field", "message"}]}.',
    urls_namespace="api",
    auth=django_auth,  # session + CSRF; public endpoints opt out with auth=None
    docs=LocalSwagger(),
    throttle=api_throttles(),  # per address / per account, in the shared cache
)
install_error_handlers(api)

# Routers (one line per app):
api.add_router("/units", "rencai.orgs.api.router")
api.add_router("/changes", "rencai.changes.api.router")
api.add_router("/changes", "rencai.rights.api.router")  # unit-admin rights, same prefix
api.add_router("/cases", "rencai.cases.api.router")
api.add_router("/support", "rencai.support.api.router")

# Last: every operation of every router declares the error answers (rencai.api.errors).
declare_error_responses(api)
