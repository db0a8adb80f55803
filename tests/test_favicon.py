"""The site's icon: an SVG linked from every page, and /favicon.ico served by WhiteNoise."""

from __future__ import annotations

from django.http import FileResponse
from django.test import Client


def test_favicon_ico_is_served_from_the_site_root(client: Client) -> None:
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert isinstance(response, FileResponse)
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_links_the_svg_icon_and_its_fallback(client: Client, db: None) -> None:
    html = client.get("/about/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in html
