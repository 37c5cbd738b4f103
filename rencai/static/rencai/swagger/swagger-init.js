// Starts Swagger UI for /api/docs without inline script (CSP script-src 'self').
// Settings come from the page's <script type="application/json" id="swagger-settings">;
// requests made from the page carry the CSRF token (the API uses session auth + CSRF).
(function () {
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  settings.requestInterceptor = function (request) {
    if (csrf) { request.headers["X-CSRFToken"] = csrf; }
    return request;
  };
  window.ui = SwaggerUIBundle(settings);
})();
