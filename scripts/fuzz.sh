#!/usr/bin/env bash
# The full hostile-values run: every value of tests/hostile.py to every parameter of every endpoint,
# the admin's pages included (the normal suite sends a quick selection). Prints the figures:
# requests, and how many answered 2xx, 3xx, 4xx and 5xx. Needs DATABASE_URL (or run it via make).
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_FULL=1 DJANGO_SETTINGS_MODULE=trialsearch.settings.test .venv/bin/python -m pytest -p no:cacheprovider \
  -q -n 0 tests/test_hostile_values.py "$@"
