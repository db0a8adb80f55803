"""GET /api/v1/trials/?format=csv (or Accept: text/csv): every matching trial, one per line, streamed."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import StreamingHttpResponse

from tests.responses import streamed
from tests.trials.api.conftest import ago, make_trial

URL = "/api/v1/trials/"
HEADER = (
    "slug,url,cruk_id,title,acronym,status,phase,trial_type,cancer_types,grades,interventions,nct,isrctn,eudract,"
    "min_age,max_age,updated_at"
)


def _lines(response: Any) -> list[str]:
    assert isinstance(response, StreamingHttpResponse)
    return streamed(response).decode("utf-8").splitlines()


def test_the_csv_has_a_header_and_one_line_per_trial(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="trials.csv"'
    lines = _lines(response)
    assert lines[0] == HEADER
    assert lines[1] == (
        "alpha,http://testserver/trials/alpha/,15001,A trial of lenvatinib for pancreatic NETs (ALPHA),ALPHA,open,"
        "phase_2,treatment,Pancreatic NET,G1; G2,lenvatinib,NCT01234567,,2015-001467-39,18,75,2026-11-19T12:00:00Z"
    )
    assert lines[2] == (
        "beta,http://testserver/trials/beta/,,A trial of PRRT for NETs that have spread (BETA),BETA,closed,phase_3,"
        'treatment,"NET, any site",,lutetium dotatate,,,,,,2026-11-10T12:00:00Z'
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["alpha", "beta", "gamma"]


def test_accept_text_csv_chooses_csv(api: Any, world: dict[str, Any]) -> None:
    response = api.get(URL, HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _lines(response)[0] == HEADER


def test_the_csv_applies_the_filters_and_the_ordering(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?format=csv&near=M20&ordering=distance&grade=G1")

    rows = list(csv.reader(io.StringIO("\n".join(_lines(response)))))
    assert rows[0][-1] == "distance_miles"
    assert [(row[0], row[-1]) for row in rows[1:]] == [("alpha", "0.3"), ("beta", "155.8")]


def test_the_csv_holds_every_page(api: Any, db: None) -> None:
    for index in range(45):
        make_trial(slug=f"row-{index:02d}", updated_at=ago(index))

    lines = _lines(api.get(f"{URL}?format=csv&page_size=5"))

    assert len(lines) == 46
    assert [line.split(",")[0] for line in lines[1:]] == [f"row-{index:02d}" for index in range(45)]


def test_a_formula_like_title_stays_text(api: Any, db: None) -> None:
    make_trial(slug="formula", title="=HYPERLINK(1)", acronym="+A")

    row = next(csv.reader(io.StringIO(_lines(api.get(f"{URL}?format=csv"))[1])))

    assert (row[3], row[4]) == ("'=HYPERLINK(1)", "'+A")


def test_csv_errors_are_json(api: Any, world: dict[str, Any]) -> None:
    response = api.get(f"{URL}?format=csv&status=opne")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": ["'opne' is not one of: open, closed, results."]}


def test_the_csv_reads_in_a_fixed_number_of_queries(
    api: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for index in range(30):
        make_trial(slug=f"row-{index:02d}")
    # The generation (answer cache), the tumour-type and country vocabularies, then the rows and
    # their two prefetches, in one chunk.
    with django_assert_max_num_queries(8):
        assert len(_lines(api.get(f"{URL}?format=csv"))) == 34
