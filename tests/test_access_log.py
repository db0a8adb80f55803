"""The production server's logs after a real "Could I join?" submission: no answer, no query string.

gunicorn runs with gunicorn.conf.py against the test database, and a client submits the
questionnaire as a browser does (CSRF cookie and token, Origin and Referer headers, the stylesheet
fetched with the page as Referer). Then the access log and the error log are read.
"""

from __future__ import annotations

import html
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.factories import HospitalFactory, TrialFactory, TrialSiteFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Answers a log line must never hold, and the bits of a query string.
SECRETS = ["M20", "4BX", "nec", "pancreas", "metastatic", "age=", "diagnosis", "postcode", "brain", "pregnant", "?"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def gunicorn(tmp_path: Path, test_database_url: str) -> Iterator[tuple[str, Path, Path]]:
    """gunicorn with the production config on a free port, against the test database (server or embedded)."""
    port = _free_port()
    access, errors = tmp_path / "access.log", tmp_path / "errors.log"
    database = test_database_url
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "trialsearch.settings.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": str(access),
        "CONN_MAX_AGE": "0",
    }
    with errors.open("w") as error_stream:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "trialsearch.wsgi"],
            cwd=REPO,
            env=env,
            stdout=error_stream,
            stderr=error_stream,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _attempt in range(150):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=2)
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.2)
            yield base, access, errors
        finally:
            server.terminate()
            server.wait(timeout=30)


class Browser:
    """Just enough of a browser: the CSRF cookie, Origin and Referer headers, form posts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookie = ""
        self.page = ""

    def request(self, path: str, data: list[tuple[str, str]] | None = None, referer: str = "") -> str:
        headers = {"Cookie": self.cookie, "User-Agent": "test-browser"}
        if referer:
            headers["Referer"] = referer
        body = None
        if data is not None:
            headers["Origin"] = self.base
            body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as error:  # a missing stylesheet is still a logged request
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("csrftoken="):
                    self.cookie = header.split(";", 1)[0]
            text: str = response.read().decode()
        return text

    def submit(self, answers: dict[str, str]) -> str:
        """Post the step's form: its hidden fields (token and earlier answers) and these answers."""
        form = re.search(r'<form class="check-form"[^>]*>(.*?)</form>', self.page, re.S)
        assert form is not None
        fields = [
            (name, html.unescape(value))
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1))
        ]
        self.page = self.request("/check/", [*fields, *answers.items(), ("go", "next")], referer=self.base + "/check/")
        self.request("/static/css/site.css", referer=self.base + "/check/")
        return self.page


def test_a_real_submission_leaves_no_answer_in_the_access_log(gunicorn: Any) -> None:
    trial = TrialFactory(status="open", title="An open pancreatic NET trial")
    TrialSiteFactory(trial=trial, hospital=HospitalFactory())
    base, access, errors = gunicorn
    browser = Browser(base)
    browser.page = browser.request("/check/")
    browser.submit(
        {
            "age": "71",
            "sex": "female",
            "postcode": "M20 4BX",
            "diagnosis": "nec",
            "primary_site": "pancreas",
            "extent": "metastatic",
            "had_treatment": "none",
        }
    )
    browser.submit({"brain_metastases": "yes"})
    answer = browser.submit({"pregnant_or_breastfeeding": "no"})
    assert "Could I join? Your answer" in answer
    assert "An open pancreatic NET trial" in answer
    # An old bookmark with answers in its address, and a search with a postcode.
    browser.request("/check/?age=71&diagnosis=nec&postcode=M20+4BX")
    browser.request("/trials/?near=M20+4BX&q=pancreas")
    time.sleep(0.5)  # gunicorn writes its access log line after the response

    lines = access.read_text().splitlines()
    assert len([line for line in lines if '"POST /check/ HTTP/1.1" 200' in line]) == 3
    assert any('"GET /check/ HTTP/1.1" 200' in line for line in lines)
    assert any('"GET /trials/ HTTP/1.1" 200' in line for line in lines)
    for line in lines:
        for secret in SECRETS:
            assert secret not in line, (secret, line)
    error_log = errors.read_text()
    for secret in ["M20", "4BX", "metastatic", "age="]:
        assert secret not in error_log, secret
