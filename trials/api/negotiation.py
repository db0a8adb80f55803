"""Content negotiation and renderers: JSON everywhere, CSV for the trial list, errors always JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer


class ApiContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, with an unknown `?format=` as a 400 naming the formats (DRF gives a 404)."""

    def filter_renderers(self, renderers: Iterable[BaseRenderer], format: str) -> list[BaseRenderer]:
        renderers = list(renderers)
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            formats = ", ".join(str(renderer.format) for renderer in renderers)
            raise ValidationError({"format": [f"'{format}' is not one of: {formats}."]})
        return matching


class CSVRenderer(BaseRenderer):
    """Selects CSV in negotiation; the view streams the rows itself (see trials.api.csv)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        raise NotImplementedError("CSV responses are streamed by the view.")
