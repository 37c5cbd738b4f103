from django.contrib import admin
from django.urls import include, path

from rencai.api.urls import api
from rencai.core import views as core_views
from rencai.core.views_language import set_language
from rencai.core.views_site import favicon, web_manifest
from rencai.ops import views as ops_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", ops_views.metrics_view, name="metrics"),
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", web_manifest, name="web_manifest"),
    # Django's set_language behind a same-origin check; the footer posts without a CSRF token.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("rencai.accounts.urls")),
    path("help/", include("rencai.helpdesk.urls")),
    path("support/", include("rencai.support.urls")),
    path("units/", include("rencai.orgs.urls")),
    path("catalog/", include("rencai.catalog.urls")),
    path("cases/", include("rencai.cases.urls")),
    path("changes/unit-admin/", include("rencai.rights.urls")),
    path("changes/", include("rencai.changes.urls")),
    path("process/", include("rencai.process.urls")),
    path("cards/", include("rencai.cards.urls")),
    path("notice/", include("rencai.notice.urls")),
    path("files/", include("rencai.documents.urls")),
    path("office/", include("rencai.backoffice.urls")),
    path("notify/", include("rencai.notify.urls")),
    path("verification/", include("rencai.verification.urls")),  # 数据核验 / 秒批 (issue #12)
    path("api/", api.urls),
    path("admin/", admin.site.urls),  # staff pass TOTP first: SecondFactorMiddleware
]

handler404 = "rencai.core.views.not_found"
handler500 = "rencai.core.views.server_error"
handler400 = "rencai.core.views.bad_request"
