"""The OpenAPI schema and its two documentation pages, with errors in JSON like the rest of the API.

drf-spectacular's views answer OPTIONS on the HTML pages with a template error (a 500), and copy
`?version=` into the schema's Content-Disposition header (a newline in it is a 500 too). Here the
pages take GET and HEAD only, and `version` must be the API's own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
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


class RedocView(JSONErrorsMixin, SpectacularRedocView):
    http_method_names = ["get", "head"]
