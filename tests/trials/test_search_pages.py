"""The results page, the feed and the about page, as a patient uses them."""

from __future__ import annotations

import re
from typing import Any, cast
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import pytest

from tests.factories import CriterionFactory, HospitalFactory, TrialFactory, TrialSiteFactory
from trials.registry.models import GlossaryTerm, Trial

pytestmark = pytest.mark.django_db


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="trial-card-title" id="trial-\d+"><a href="[^"]*">([^<]*)</a>', html)


def test_the_page_opens_on_open_trials_and_offers_the_others_in_one_click(client: Any, seeded: None) -> None:
    html = " ".join(client.get("/trials/").content.decode().split())
    assert 'id="f-status-open" name="status" value="open" checked' in html
    assert '<h2 id="results-heading" aria-live="polite">3 trials found</h2>' in html
    assert sorted(titles(html)) == sorted(
        Trial.objects.published().filter(status="open").values_list("title", flat=True)
    )
    nec = client.get("/trials/", {"status": "open", "tumour_type": "neuroendocrine-carcinoma"}).content.decode()
    nec = " ".join(nec.split())
    assert (
        "<strong>No trial open to new patients matches your search.</strong> "
        "1 closed or finished trial does, for information."
    ) in nec
    link = re.search(r'<a class="button" href="\?([^"]*)">Show closed trials and trials with results</a>', nec)
    assert link is not None
    assert "status=closed&amp;status=results" in link.group(1)
    following = client.get("/trials/?status=closed&status=results").content.decode()
    assert "23 trials found" in following  # the UK's, the page's default
    assert "Closed and finished trials: for information, you cannot join these" in following


def test_an_empty_search_of_open_trials_says_what_to_do_next(client: Any, seeded: None) -> None:
    html = client.get(
        "/trials/", {"status": "open", "tumour_type": "pancreatic-net", "near": "M20", "within_miles": "25"}
    ).content.decode()
    assert '<a href="?status=open&amp;tumour_type=pancreatic-net&amp;near=M20">Widen the distance</a>' in html
    assert '<a href="?status=open&amp;near=M20&amp;within_miles=25">Include trials for other tumour sites</a>' in html
    assert (
        '<a href="/trials/feed/?status=open&amp;tumour_type=pancreatic-net&amp;near=M20&amp;within_miles=25">'
        "Follow this search</a>"
    ) in html
    assert "Talk to your specialist nurse or your specialist" in html


def test_open_trials_lead_and_closed_ones_are_a_labelled_section(client: Any, seeded: None) -> None:
    TrialFactory(title="An open lanreotide trial", status="open", summary="Lanreotide for NETs.")
    html = client.get("/trials/", {"q": "lanreotide", "status": ["open", "closed", "results"]}).content.decode()
    open_heading = html.index('<h3 class="results-part">Open to new patients (1)</h3>')
    closed_heading = html.index(
        '<h3 class="results-part results-part-closed">Closed and finished trials: for information, '
        "you cannot join these</h3>"
    )
    shown = titles(html)
    assert shown[0] == "An open lanreotide trial"
    assert open_heading < html.index("An open lanreotide trial") < closed_heading
    assert all(html.index(title) > closed_heading for title in shown[1:])
    # Without a status in the address (a link from the home page) the sections are the same.
    home_link = client.get("/trials/", {"q": "lanreotide"}).content.decode()
    assert titles(home_link) == shown


def test_paging_runs_through_the_open_trials_then_the_closed_ones(client: Any) -> None:
    for number in range(15):
        TrialFactory(title=f"Open everolimus trial {number:02d}", status="open")
    for number in range(15):
        TrialFactory(title=f"Closed everolimus trial {number:02d}", status="closed")
    everything = {"q": "everolimus", "status": ["open", "closed", "results"]}
    first = client.get("/trials/", everything).content.decode()
    second = client.get("/trials/", {**everything, "page": "2"}).content.decode()
    assert [t.split(" ")[0] for t in titles(first)] == ["Open"] * 15 + ["Closed"] * 5
    assert [t.split(" ")[0] for t in titles(second)] == ["Closed"] * 10
    assert "Open to new patients (15)" in first and "Open to new patients" not in second
    assert "Closed and finished trials: for information" in second
    assert len(set(titles(first)) | set(titles(second))) == 30


def test_a_search_shows_ranked_results_with_highlights(client: Any, seeded: None) -> None:
    html = client.get("/trials/", {"q": "telotristat etiprate", "status": ["closed", "results"]}).content.decode()
    assert "3 trials found" in html
    assert [t.split("(")[-1].rstrip(")") for t in titles(html)] == ["TELECAST", "TELESTAR", "TELEPATH"]
    assert "<mark>telotristat</mark> <mark>etiprate</mark>" in html


def test_a_misspelling_offers_the_nearest_term_as_a_link(client: Any, seeded: None) -> None:
    html = client.get("/trials/", {"q": "lenvatinb", "status": ["closed", "results"]}).content.decode()
    assert "0 trials found" in html
    assert 'Did you mean <a href="?q=lenvatinib&amp;status=closed&amp;status=results">lenvatinib</a>?' in html


def test_each_filter_option_shows_its_count(client: Any, seeded: None) -> None:
    html = client.get("/trials/", {"status": ["closed", "results"], "tumour_type": "lung-net"}).content.decode()
    assert re.search(
        r'value="closed" checked>\s*<label for="f-status-closed">Closed <span class="count">\((\d+)\)', html
    )
    assert re.search(r'<label for="f-grade-G3">Grade 3 \(G3\) <span class="count">\(\d+\)</span>', html)
    assert 'value="lung-net" checked' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age": "abc"}, "Enter the age as a whole number of years, such as 64."),
        ({"age": "200"}, "Enter an age of 120 or less."),
        ({"near": "ZZ9 9ZZ"}, "We could not find the postcode area ZZ9. Check it, or try a nearby postcode."),
        ({"near": "hello"}, "“hello” is not a UK postcode. Enter one such as M20 4BX, or just M20."),
        ({"within_miles": "50"}, "Enter a postcode to search by distance."),
        ({"status": "opne"}, "&#x27;opne&#x27; is not one of: open, closed, results."),
        ({"intervention": "unobtainium"}, "Unknown treatment: &#x27;unobtainium&#x27;."),
        ({"ordering": "distance"}, "Sorting by distance needs a postcode (near)."),
    ],
)
def test_bad_input_is_a_form_error_on_the_page(client: Any, seeded: None, params: dict[str, str], message: str) -> None:
    response = client.get("/trials/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem with your search" in html
    assert message in html
    assert "trials found" not in html


def test_nonsense_parameters_never_cause_a_server_error(client: Any, seeded: None) -> None:
    for query in [
        "page=abc",
        "page=-1",
        "q=%00",
        "q=" + "x" * 500,
        "q=!!!",
        "q=&&&||",
        "age=1e9",
        "within_miles=-5",
        "updated_since=2020-13-45",
    ]:
        assert client.get(f"/trials/?{query}").status_code == 200, query


def test_distance_shows_the_nearest_hospital_and_sorts_by_it(client: Any) -> None:
    near = TrialFactory(title="Near trial", status="open")
    TrialSiteFactory(trial=near, hospital=HospitalFactory(name="The Christie", town="Manchester"))
    far = TrialFactory(title="Far trial", status="open")
    TrialSiteFactory(
        trial=far,
        hospital=HospitalFactory(name="Royal Free Hospital", town="London", latitude=51.5532, longitude=-0.1657),
    )
    html = client.get("/trials/", {"near": "M20 4BX"}).content.decode()
    assert titles(html) == ["Near trial", "Far trial"]
    assert "Nearest hospital: The Christie, Manchester, less than 1 mile away" in html
    assert "Nearest hospital: Royal Free Hospital, London, about 156 miles away" in html
    html = client.get("/trials/", {"near": "M20 4BX", "within_miles": "50"}).content.decode()
    assert titles(html) == ["Near trial"]


def test_pagination_keeps_the_search(client: Any) -> None:
    for number in range(25):
        TrialFactory(title=f"Lanreotide trial {number:02d}", status="open")
    first = client.get("/trials/", {"q": "lanreotide", "status": "open"}).content.decode()
    assert len(titles(first)) == 20
    assert 'href="?q=lanreotide&amp;status=open&amp;page=2" rel="next"' in first
    second = client.get("/trials/", {"q": "lanreotide", "status": "open", "page": "2"}).content.decode()
    assert len(titles(second)) == 5
    assert not set(titles(first)) & set(titles(second))


@pytest.mark.parametrize("page_size_trials", [3, 30])
def test_the_results_page_runs_a_fixed_number_of_queries(
    client: Any, django_assert_max_num_queries: Any, page_size_trials: int
) -> None:
    for number in range(page_size_trials):
        TrialFactory(title=f"Everolimus trial {number}", status="open")
    # Cold: 11, plus a SET and a RESET around each text-search block (trials.search.matches.text_search_plan).
    # 20: the nearest hospitals of the rows shown are one query over those rows (not a subquery per
    # match), and the hospitals' coordinates for every trial's distance one more (then cached); 21
    # with the registry's generation, read once per request; 26 with the sentence vocabulary's three
    # (tumour types, interventions, acronyms: read once per generation, trials.search.understanding).
    with django_assert_max_num_queries(26):
        client.get("/trials/", {"q": "everolimus", "status": "open", "near": "M20", "grade": "G1"})


@pytest.mark.parametrize("trials_each", [3, 30])
def test_open_first_results_run_a_fixed_number_of_queries(
    client: Any, django_assert_max_num_queries: Any, trials_each: int
) -> None:
    for number in range(trials_each):
        TrialFactory(title=f"Open everolimus trial {number}", status="open")
        TrialFactory(title=f"Closed everolimus trial {number}", status="closed")
    # Cold, with words and a postcode: the open part's and the closed part's counts and rows (both
    # read when the page shows both), each under its text-search plan (a SET and a RESET), the whole
    # search's count, facets, interventions and highlights, the nearest hospitals of the rows shown
    # and the generation; and the sentence vocabulary's three, once per generation.
    with django_assert_max_num_queries(37):
        client.get("/trials/", {"q": "everolimus", "near": "M20"})


def test_the_home_page_runs_a_fixed_number_of_queries(
    client: Any, seeded: None, django_assert_max_num_queries: Any
) -> None:
    # The options, all and open trials per tumour type (one aggregate each), per treatment (two); with
    # open trials in the seed, one more for the open trials' section; the country options (the counts
    # are the UK's by default) and the registry's generation.
    with django_assert_max_num_queries(13):
        client.get("/")


def test_the_feed_lists_matching_trials_newest_change_first(client: Any) -> None:
    old = TrialFactory(title="Old lanreotide trial", status="closed")
    new = TrialFactory(title="New lanreotide trial", status="closed")
    TrialFactory(title="A lenvatinib trial", status="closed")
    Trial.objects.filter(pk=old.pk).update(updated_at="2024-01-01T00:00:00Z")
    response = client.get("/trials/feed/", {"q": "lanreotide", "status": "closed"})
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)] == [
        "New lanreotide trial [Closed]",
        "Old lanreotide trial [Closed]",
    ]
    assert cast(str, cast(Element, root.find("a:link", ns)).get("href")).endswith("/trials/?q=lanreotide&status=closed")
    assert new.get_absolute_url() in response.content.decode()


def test_the_results_page_links_its_feed(client: Any, seeded: None) -> None:
    html = client.get("/trials/", {"q": "lanreotide"}).content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="New and changed trials for this search" href="/trials/feed/?q=lanreotide">'
        in html
    )


def test_a_feed_of_a_bad_search_is_not_found(client: Any) -> None:
    assert client.get("/trials/feed/", {"age": "abc"}).status_code == 404


def test_the_about_page_carries_the_licence_attribution(client: Any) -> None:
    html = client.get("/about/").content.decode()
    assert "Contains OS data © Crown copyright and database right 2023." in html
    assert "Open Government Licence v3.0" in html
    assert "Source: ClinicalTrials.gov." in html


def test_medical_words_on_a_trial_page_are_explained_in_place(client: Any) -> None:
    GlossaryTerm.objects.create(
        term="PRRT", synonyms=["radionuclide therapy"], definition="Radiotherapy given into a vein."
    )
    trial = TrialFactory(summary="This trial compares PRRT with a targeted drug.")
    CriterionFactory(trial=trial, text="You have not had PRRT.", position=0)
    html = client.get(trial.get_absolute_url()).content.decode()
    explained = (
        '<details class="glossary-note"><summary>What “PRRT” means</summary>'
        "<p>Radiotherapy given into a vein.</p></details>"
    )
    assert (
        f'<p>This trial compares <span class="glossary-term">PRRT</span> with a targeted drug.</p>{explained}' in html
    )
    assert f'<li>You have not had <span class="glossary-term">PRRT</span>.{explained}</li>' in html
    assert 'href="#glossary' not in html  # no jump to the foot of the page
    assert "<dt><dfn>PRRT</dfn></dt>" in html


def test_a_synonym_is_explained_by_the_word_the_text_uses(client: Any) -> None:
    GlossaryTerm.objects.create(term="metastatic", synonyms=["spread"], definition="Grown to another part.")
    trial = TrialFactory(summary="For NETs that have spread.")
    html = client.get(trial.get_absolute_url()).content.decode()
    assert "<summary>What “spread” means</summary><p>Grown to another part.</p>" in html


def test_a_results_page_with_a_postcode_maps_the_nearest_hospitals_of_the_open_trials(client: Any) -> None:
    christie = HospitalFactory(name="The Christie", town="Manchester")
    royal_free = HospitalFactory(name="Royal Free Hospital", town="London", latitude=51.5532, longitude=-0.1667)
    for title, hospital in [("Near trial", christie), ("Another near trial", christie), ("Far trial", royal_free)]:
        TrialSiteFactory(trial=TrialFactory(title=title, status="open"), hospital=hospital)
    TrialSiteFactory(trial=TrialFactory(title="Closed trial", status="closed"), hospital=royal_free)
    html = " ".join(client.get("/trials/", {"near": "M20 4BX", "status": ["open", "closed"]}).content.decode().split())
    assert '<svg class="uk-map" viewBox="0 0 400 ' in html
    assert "<title>Your area: M20 (Manchester)</title>" in html
    # One marker per hospital, numbered as the list below it; a closed trial's hospital is not shown.
    assert html.count('<g class="map-site">') == 2
    assert (
        '<li value="1"><strong>The Christie</strong>, Manchester, less than 1 mile from M20: '
        "Another near trial; Near trial</li>"
    ) in html
    assert (
        '<li value="2"><strong>Royal Free Hospital</strong>, London, about 156 miles from M20: Far trial</li>' in html
    )
    assert html.index('<ol class="map-legend">') < html.index("Closed and finished trials: for information")
    assert "<svg" not in client.get("/trials/", {"status": "open"}).content.decode()


def test_trial_page_distances_come_from_the_postcode(client: Any) -> None:
    trial = TrialFactory()
    TrialSiteFactory(trial=trial, hospital=HospitalFactory(name="The Christie", town="Manchester"))
    html = client.get(trial.get_absolute_url(), {"near": "NW3"}).content.decode()
    assert re.search(r'The Christie, Manchester <span class="distance">\(about 15[56] miles from NW3\)</span>', html)
    html = client.get(trial.get_absolute_url(), {"near": "nowhere"}).content.decode()
    assert "“nowhere” is not a UK postcode." in html


def test_pages_send_a_strict_content_security_policy(client: Any, seeded: None) -> None:
    for url in ["/", "/trials/", "/about/", "/check/", cast(Trial, Trial.objects.first()).get_absolute_url()]:
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy
        html = client.get(url).content.decode()
        assert "style=" not in html and "<style" not in html
        # Scripts only from files of this site (the print button's), never inline.
        assert all(tag.startswith('<script src="/static/') for tag in re.findall(r"<script[^>]*>", html)), url
