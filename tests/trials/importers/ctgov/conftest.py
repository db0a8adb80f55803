from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import TumourTypeFactory


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Work in a temporary folder: files are named in reports as they are given, here relative."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def pancreatic_net() -> None:
    """The tumour type `net_study()` names ("Pancreatic Neuroendocrine Tumour"): without it, it is held back."""
    TumourTypeFactory(
        slug="pancreatic-net",
        name="Pancreatic NET",
        primary_site="pancreas",
        diagnosis="net",
        synonyms=["pancreatic neuroendocrine tumour"],
    )
