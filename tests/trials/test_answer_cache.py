"""Whole anonymous answers, cached per registry generation (trials.registry.answers)."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from tests.factories import TrialFactory
from tests.test_rate_limits import _redis_cache, redis_prefix  # noqa: F401 (a fixture)
from trials.registry.models import Trial

PAGES = ["/", "/trials/?q=octreotide", "/trials/feed/", "/about/", "/trials/octreotide-study/"]
API = ["/api/v1/trials/?q=octreotide", "/api/v1/trials/octreotide-study/", "/api/v1/tumour-types/"]


def _trial() -> Trial:
    trial: Trial = TrialFactory(slug="octreotide-study", title="Octreotide for bowel NETs", status="open")
    return trial


def test_a_public_answer_is_computed_once_then_served_whole(client: Any, db: None) -> None:
    _trial()
    for url in PAGES + API:
        first = client.get(url)
        second = client.get(url)
        assert (first.status_code, first["X-Answer-Cache"]) == (200, "miss"), url
        assert (second.status_code, second["X-Answer-Cache"]) == (200, "hit"), url
        assert second.content == first.content, url
        assert second["ETag"] == first["ETag"], url
        assert second["Content-Type"] == first["Content-Type"], url


def test_a_matching_etag_gets_a_304_from_the_cache(client: Any, db: None) -> None:
    _trial()
    etag = client.get("/trials/?q=octreotide")["ETag"]

    response = client.get("/trials/?q=octreotide", HTTP_IF_NONE_MATCH=etag)

    assert (response.status_code, response.content, response["ETag"]) == (304, b"", etag)


def test_any_change_to_the_registry_is_seen_by_the_next_request(client: Any, db: None) -> None:
    trial = _trial()
    etag = client.get("/trials/octreotide-study/")["ETag"]
    assert client.get("/api/v1/trials/?q=octreotide").json()["count"] == 1

    trial.title = "Lanreotide and octreotide for bowel NETs"
    trial.save()
    TrialFactory(slug="second-octreotide", title="Octreotide after surgery", status="open")

    page = client.get("/trials/octreotide-study/", HTTP_IF_NONE_MATCH=etag)
    assert (page.status_code, page["X-Answer-Cache"]) == (200, "miss")
    assert "Lanreotide and octreotide for bowel NETs" in page.content.decode()
    assert client.get("/api/v1/trials/?q=octreotide").json()["count"] == 2


def test_each_representation_is_kept_apart(client: Any, db: None) -> None:
    _trial()
    assert client.get("/api/v1/trials/?q=octreotide")["Content-Type"] == "application/json"
    csv = client.get("/api/v1/trials/?q=octreotide", HTTP_ACCEPT="text/csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert client.get("/api/v1/trials/?q=octreotide")["Content-Type"] == "application/json"


def test_signed_in_people_and_patients_answers_are_never_cached(client: Any, db: None, django_user_model: Any) -> None:
    _trial()
    user = django_user_model.objects.create_user("nurse", password="a long pass phrase 7")
    client.force_login(user)
    for _ in range(2):
        response = client.get("/trials/?q=octreotide")
        assert response.status_code == 200
        assert "X-Answer-Cache" not in response
    client.logout()
    client.cookies.clear()
    for _ in range(2):
        check = client.get("/check/")
        assert "X-Answer-Cache" not in check
        assert "no-store" in check["Cache-Control"]


def test_errors_are_not_kept(client: Any, db: None) -> None:
    assert client.get("/trials/not-a-trial/").status_code == 404
    TrialFactory(slug="not-a-trial", title="Now it exists", status="open")
    assert client.get("/trials/not-a-trial/").status_code == 200
    for _ in range(2):
        refused = client.get("/api/v1/trials/?phase=phase_9")
        assert refused.status_code == 400
        assert "X-Answer-Cache" not in refused


def test_a_cached_page_still_counts_against_the_rate_limit(client: Any, db: None, settings: Any) -> None:
    _trial()
    settings.PAGE_RATE_LIMITS = {**settings.PAGE_RATE_LIMITS, "search": "2/h"}  # per hour: no window ends mid-test
    assert [client.get("/trials/?q=octreotide").status_code for _ in range(3)] == [200, 200, 429]


def test_answers_are_shared_through_redis(client: Any, db: None, redis_prefix: str) -> None:  # noqa: F811
    _trial()
    with override_settings(CACHES=_redis_cache(redis_prefix)):
        first = client.get("/trials/?q=octreotide")
        second = client.get("/api/v1/trials/?q=octreotide")
        again, api_again = client.get("/trials/?q=octreotide"), client.get("/api/v1/trials/?q=octreotide")
    assert (first["X-Answer-Cache"], again["X-Answer-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert (api_again["X-Answer-Cache"], api_again.json()) == ("hit", second.json())
