"""A test URLconf mounting a fresh cases router (the project API mounts its own)."""

from django.urls import path
from ninja import NinjaAPI

from rencai.api.errors import install_error_handlers
from rencai.cases.api import build_router

api = NinjaAPI(urls_namespace="cases-test-api")
install_error_handlers(api)
api.add_router("/cases", build_router())
urlpatterns = [path("api/", api.urls)]
