"""/api/docs: Swagger UI from our own static files (rencai/static/rencai/swagger/).

ninja's default page loads Swagger UI from a CDN with an inline script, which our CSP
(script-src 'self') blocks and an offline network cannot reach.
"""

from __future__ import annotations

import json

from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class LocalSwagger(DocsBase):
    settings = {"layout": "BaseLayout", "deepLinking": True}

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        # The JSON sits in a <script type="application/json"> block: "</" must not end it.
        data = json.dumps(settings).replace("</", "<\\/")
        return render(request, "api/swagger.html", {"api": api, "swagger_settings": data})
