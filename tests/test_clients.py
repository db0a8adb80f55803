"""The client's address: X-Forwarded-For counts only as far as our own proxies vouch for it."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from trialsearch.clients import axes_client_ip, axes_username, client_ip

SPOOFED = "198.51.100.66"
CLIENT = "203.0.113.7"
PROXY = "10.0.0.5"


def _request(remote: str = PROXY, forwarded: str | None = None) -> HttpRequest:
    extra: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip(_request(remote=CLIENT, forwarded=SPOOFED)) == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        (CLIENT, CLIENT),
        (f"{SPOOFED}, {CLIENT}", CLIENT),  # the client's own entry comes first; our proxy appended the last
        (f"{SPOOFED},{CLIENT}", CLIENT),
        (f"{CLIENT}:51234", CLIENT),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("not-an-address", PROXY),
        ("", PROXY),
    ],
)
def test_one_trusted_proxy_vouches_for_the_last_entry(forwarded: str, expected: str) -> None:
    assert client_ip(_request(forwarded=forwarded)) == expected


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_vouch_for_the_second_entry_from_the_end() -> None:
    assert client_ip(_request(forwarded=f"{SPOOFED}, {CLIENT}, 10.0.0.9")) == CLIENT


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_fewer_entries_than_proxies_take_the_first() -> None:
    assert client_ip(_request(forwarded=CLIENT)) == CLIENT


NETWORKS = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.7/32"))


@override_settings(TRUSTED_PROXIES=NETWORKS)
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, f"{SPOOFED}, {CLIENT}", CLIENT),
        (PROXY, f"{SPOOFED}, {CLIENT}, 192.0.2.7, 10.1.2.3", CLIENT),  # a chain of our proxies
        (CLIENT, SPOOFED, CLIENT),  # not from a proxy of ours: the header is the client's own
        (PROXY, "10.1.2.3", PROXY),  # only our proxies: the nearest one
        (PROXY, f"{CLIENT}, garbage", PROXY),
    ],
)
def test_trusted_networks_skip_our_own_proxies(remote: str, forwarded: str, expected: str) -> None:
    assert client_ip(_request(remote=remote, forwarded=forwarded)) == expected


def test_axes_records_no_address_as_null() -> None:
    assert axes_client_ip(_request(remote="")) is None
    assert axes_client_ip(_request(remote=CLIENT)) == CLIENT


def test_axes_usernames_are_cleaned_and_cut() -> None:
    request = RequestFactory().post("/accounts/login/", {"username": "al\x00ice" + "x" * 300})

    assert axes_username(request) == ("alice" + "x" * 300)[:150]
    assert axes_username(request, {"username": "bob"}) == "bob"
    assert axes_username(request, {"password": "no username"}) is None
