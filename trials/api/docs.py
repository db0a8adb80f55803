"""The OpenAPI schema and its two documentation pages, with errors in JSON like the rest of the API.

drf-spectacular's views answer OPTIONS on the HTML pages with a template error (a 500), and copy
`?version=` into the schema's Content-Disposition header (a newline in it is a 500 too). Here the
pages take GET and HEAD only, and `version` must be the API's own.

The pages are our own templates (templates/api/): their one inline script carries the response's
CSP nonce, their styles come from files or nonce-stamped <style> elements, and nothing is fetched
from outside the site (drf-spectacular's own Redoc page asks Google for fonts).
"""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.conf import settings
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

from trialsearch.hygiene import echo


class JSONErrorsMixin:
    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(response, "exception", False):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    http_method_names = ["get", "head"]

    def _get_version_parameter(self, request: Request) -> str | None:
        version: str | None = request.GET.get("version")
        current = settings.SPECTACULAR_SETTINGS["VERSION"]
        if version is not None and version != current:
            raise ValidationError({"version": [f"'{echo(version)}' is not one of: {current}."]})
        return version


class SwaggerView(JSONErrorsMixin, SpectacularSwaggerView):
    http_method_names = ["get", "head"]
    template_name = "api/swagger_ui.html"


# Redoc's page alone needs three things beyond the site's policy, none of them 'unsafe-inline':
# the hashes of the two fixed <style> elements its bundle writes while it loads (before Redoc.init
# can hand it the nonce; one is empty), and a blob: worker for its search box. The hashes belong to
# the drf-spectacular-sidecar version pinned in requirements.txt; tests/browser/test_api_docs.py
# fails, naming the new hash, when an upgrade changes them.
REDOC_CSP_UPDATE = {
    "style-src": [
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    ],
    "worker-src": ["'self'", "blob:"],
}


@method_decorator(csp_update(REDOC_CSP_UPDATE), name="dispatch")
class RedocView(JSONErrorsMixin, SpectacularRedocView):
    http_method_names = ["get", "head"]
    template_name = "api/redoc.html"
