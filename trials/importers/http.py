"""The HTTP client of the registry syncs: polite, bounded retries, and errors that name what happened.

ClinicalTrials.gov and ISRCTN are read through one `RegistryClient` (requests, with urllib3's `Retry`
mounted on the session). What it does, and why:

- A minimum interval between requests (default 1.2 s, about 50 a minute: the rate the public
  ClinicalTrials.gov API is said to tolerate; robots.txt asks for a one-second crawl delay). Retries
  wait at least as long.
- 429 and 500/502/503/504 are retried with exponential backoff, honouring `Retry-After`. Both are
  bounded: at most `attempts` requests in all, no backoff longer than `backoff_max` and no
  `Retry-After` longer than `retry_after_max`, so the worst case is `RetryPolicy.worst_case_wait`.
  Connection errors and read timeouts are retried the same way (every request here is a GET).
- Separate connect and read timeouts, so a registry that accepts the connection and then says
  nothing cannot hang a sync.
- One error for "no usable answer", `RegistryUnavailable`, whose message names the last status
  code (or the network error) and the URL; and `RegistryResponseInvalid` for a 200 whose body is
  not what was asked for. Both are `RegistryError`s, which a command catches to exit non-zero.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

USER_AGENT = "TrialSearch/1.0 (registry sync of a neuroendocrine tumour trial finder; python-requests)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# How much of an error body to quote: ClinicalTrials.gov explains a 400 in a short text/plain body.
QUOTE_LENGTH = 200

Params = Mapping[str, str | int | bool]


class RegistryError(Exception):
    """The registry gave no usable answer; the message says what it did answer and where."""

    def __init__(self, message: str, *, url: str) -> None:
        super().__init__(message)
        self.url = url


class RegistryUnavailable(RegistryError):
    """The registry kept failing (an error status or a network error) after every permitted retry."""

    def __init__(self, *, url: str, status: int | None, reason: str, attempts: int) -> None:
        answered = f"answered {status} {reason}".rstrip() if status is not None else f"could not be reached ({reason})"
        tries = "once" if attempts == 1 else f"{attempts} times"
        super().__init__(f"The registry {answered} at {url} (asked {tries}).", url=url)
        self.status = status
        self.reason = reason
        self.attempts = attempts


class RegistryResponseInvalid(RegistryError):
    """The registry answered 200, but the body is not the format asked for."""

    def __init__(self, *, url: str, reason: str) -> None:
        super().__init__(f"The registry's answer at {url} is not usable: {reason}", url=url)
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; every number is a bound, not a target."""

    attempts: int = 5
    backoff_factor: float = 2.0
    backoff_max: float = 60.0
    retry_after_max: float = 120.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1.")

    @property
    def worst_case_wait(self) -> float:
        """The longest total time spent waiting between attempts."""
        return (self.attempts - 1) * max(self.backoff_max, self.retry_after_max)


Sleeper = Callable[[float], None]


class _PoliteRetry(Retry):
    """urllib3's Retry, sleeping through an injectable sleeper and never sooner than the polite interval."""

    def __init__(self, *args: Any, sleeper: Sleeper = time.sleep, min_wait: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sleeper = sleeper
        self.min_wait = min_wait

    def new(self, **kw: Any) -> _PoliteRetry:
        kw.setdefault("sleeper", self.sleeper)
        kw.setdefault("min_wait", self.min_wait)
        return super().new(**kw)

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        wait: float | None = None
        if self.respect_retry_after_header and response is not None:
            wait = self.get_retry_after(response)  # Already capped at retry_after_max by urllib3.
        if not wait:
            wait = self.get_backoff_time()
        wait = max(wait, self.min_wait)
        status = response.status if response is not None else "a network error"
        logger.warning("The registry answered %s; retrying in %.1f s.", status, wait)
        if wait > 0:
            self.sleeper(wait)


class RegistryClient:
    """GET JSON or text from one registry's API, politely, with bounded retries."""

    def __init__(
        self,
        base_url: str,
        *,
        retry: RetryPolicy | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        min_interval: float = 1.2,
        user_agent: str = USER_AGENT,
        sleeper: Sleeper = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.policy = retry or RetryPolicy()
        self.timeout = (connect_timeout, read_timeout)
        self.min_interval = min_interval
        self.sleeper = sleeper
        self.clock = clock
        self._last_request: float | None = None
        retries = self.policy.attempts - 1
        self._retry = _PoliteRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=5,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.policy.backoff_factor,
            backoff_max=self.policy.backoff_max,
            retry_after_max=self.policy.retry_after_max,
            respect_retry_after_header=True,
            # Hand back the last answer when the retries run out, so the error can name its status.
            raise_on_status=False,
            sleeper=sleeper,
            min_wait=min_interval,
        )
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": user_agent})
        adapter = HTTPAdapter(max_retries=self._retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path: str, params: Params | None = None) -> str:
        """The full URL of a request, as the registry sees it (for messages and logs)."""
        prepared = requests.Request("GET", self._join(path), params=_query(params)).prepare()
        return str(prepared.url)

    def get_json(self, path: str, params: Params | None = None) -> Any:
        """GET `path` and return its JSON body; raise RegistryUnavailable or RegistryResponseInvalid."""
        response = self._get(path, params, accept="application/json")
        try:
            return response.json()
        except ValueError as error:  # requests' JSONDecodeError (and a body that is not text at all).
            raise RegistryResponseInvalid(url=response.url, reason=f"not JSON ({error}).") from error

    def get_text(self, path: str, params: Params | None = None, *, accept: str = "*/*") -> str:
        """GET `path` and return its body as text (UTF-8 unless the answer names its charset)."""
        response = self._get(path, params, accept=accept)
        if "charset=" not in response.headers.get("Content-Type", "").lower():
            # requests would guess (ISO-8859-1 for text/*); both registries write UTF-8.
            response.encoding = "utf-8"
        try:
            return response.text
        except (LookupError, UnicodeDecodeError) as error:
            raise RegistryResponseInvalid(url=response.url, reason=f"cannot be read as text ({error}).") from error

    def get_bytes(self, path: str, params: Params | None = None, *, accept: str = "*/*") -> tuple[str, bytes]:
        """GET `path` and return (its URL, its raw body): for XML, whose parser reads the encoding itself."""
        response = self._get(path, params, accept=accept)
        return response.url, response.content

    def _join(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def _get(self, path: str, params: Params | None, *, accept: str) -> requests.Response:
        url = self.url(path, params)
        self._wait_politely()
        try:
            response = self.session.get(
                self._join(path), params=_query(params), headers={"Accept": accept}, timeout=self.timeout
            )
        except requests.RequestException as error:
            raise RegistryUnavailable(
                url=url, status=None, reason=_network_reason(error, self.timeout), attempts=self.policy.attempts
            ) from error
        finally:
            self._last_request = self.clock()
        if response.status_code >= 400:
            raise RegistryUnavailable(
                url=response.url,
                status=response.status_code,
                reason=_reason(response),
                attempts=_attempts(response),
            )
        return response

    def _wait_politely(self) -> None:
        if self._last_request is None or self.min_interval <= 0:
            return
        wait = self._last_request + self.min_interval - self.clock()
        if wait > 0:
            self.sleeper(wait)


def _query(params: Params | None) -> dict[str, str]:
    """Query values as the registries spell them (booleans in lower case)."""
    if not params:
        return {}
    return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in params.items()}


def _attempts(response: requests.Response) -> int:
    retries = getattr(response.raw, "retries", None)
    history = getattr(retries, "history", ())
    return len(history) + 1


def _reason(response: requests.Response) -> str:
    reason = response.reason or ""
    body = " ".join(response.text.split()) if response.text else ""
    if body and "html" not in response.headers.get("Content-Type", "").lower():
        quoted = body if len(body) <= QUOTE_LENGTH else body[: QUOTE_LENGTH - 1] + "…"
        return f"{reason}: {quoted}" if reason else quoted
    return reason


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: requests wraps urllib3's MaxRetryError, which holds the last failure."""
    chain: list[BaseException] = []
    seen: BaseException | None = error
    while isinstance(seen, BaseException) and seen not in chain and len(chain) < 10:
        chain.append(seen)
        reason = getattr(seen, "reason", None)
        seen = reason if isinstance(reason, BaseException) else (seen.__cause__ or seen.__context__)
    return chain


def _network_reason(error: requests.RequestException, timeout: tuple[float, float]) -> str:
    """Name the network failure in a few words; urllib3's own messages are long and repeat the URL."""
    chain = _causes(error)
    if any(isinstance(e, ReadTimeoutError | requests.ReadTimeout) for e in chain):
        return f"no answer within the {timeout[1]:g} s read timeout"
    refused = next((e for e in chain if isinstance(e, NewConnectionError)), None)
    if refused is not None:
        # The operating system's own error ("[Errno 111] Connection refused"), not requests' wrapper of it.
        causes = [e for e in chain if isinstance(e, OSError) and not isinstance(e, requests.RequestException)]
        return f"connection failed: {causes[0]}" if causes else "connection failed"
    if any(isinstance(e, ConnectTimeoutError | requests.ConnectTimeout) for e in chain):
        return f"no connection within the {timeout[0]:g} s connect timeout"
    return f"{type(chain[-1]).__name__}: {chain[-1]}"
