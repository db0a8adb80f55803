"""Test settings: the base settings, made faster. Only background tasks differ: they run at once."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from trialsearch.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Tasks run as they are queued, inside the test (the one difference in behaviour: no worker to start).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# django-axes logs its start-up and every reset at INFO: quiet in the test run's output.
AXES_VERBOSE = False

# The answers cache in each test process's memory, emptied before every test (tests/conftest.py), so
# that query counts are the queries a feature runs. tests/trials/test_single_flight.py runs it on
# PostgreSQL's table (the default without CACHE_URL) and on Redis, across processes.
CACHES["answers"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "answers"}  # noqa: F405
