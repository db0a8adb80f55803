#!/usr/bin/env bash
# Fuzz the public API against its own OpenAPI schema on a live server, with the NET trials loaded.
#
# Starts gunicorn on 127.0.0.1, runs schemathesis on /api/v1/schema/ (a bounded number of cases per
# operation, and a time limit for the whole run), and fails on any 5xx or any response that does not
# match the schema. Uses DATABASE_URL, or the embedded PostgreSQL when it is unset (like `make`).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
PORT="${SCHEMATHESIS_PORT:-8765}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-30}"   # per operation; six operations, plus schemathesis' coverage cases
TIME_LIMIT="${SCHEMATHESIS_TIME_LIMIT:-600}"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "${STOP_DEVDB:-}" ]; then
    "$PY" scripts/devdb.py stop || true
  fi
}
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$("$PY" scripts/devdb.py start)"
  STOP_DEVDB=1
fi
export DATABASE_URL
# The test settings (DEBUG off, no TLS redirect); no throttling to speak of, so that every case is tested.
export DJANGO_SETTINGS_MODULE=trialsearch.settings.test
export ALLOWED_HOSTS=127.0.0.1
export API_ANON_THROTTLE_RATE=1000000/minute API_USER_THROTTLE_RATE=1000000/minute
export LOG_LEVEL=ERROR  # not a line per expected 400/404

"$PY" manage.py migrate --no-input >/dev/null
"$PY" manage.py load_net_trials
# A specialist with an API token, so that the patient-profile operations are exercised as well
# (not just refused with 401).
SPECIALIST_PASSWORD="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')" \
  "$PY" manage.py create_specialist schemathesis-specialist >/dev/null
TOKEN="$("$PY" manage.py shell -c "
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
print(Token.objects.get_or_create(user=get_user_model().objects.get(username='schemathesis-specialist'))[0].key)
" | tail -n 1)"  # django-axes prints a banner line first

.venv/bin/gunicorn trialsearch.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
SERVER_PID=$!

schema="http://127.0.0.1:$PORT/api/v1/schema/?format=json"
for _ in $(seq 1 50); do
  if "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$schema" 2>/dev/null; then
    break
  fi
  sleep 0.2
done

timeout "$TIME_LIMIT" .venv/bin/schemathesis run "$schema" \
  --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error,response_schema_conformance \
  --max-examples "$EXAMPLES" \
  --request-timeout 10 \
  --seed "${SCHEMATHESIS_SEED:-20261124}" \
  --generation-database none \
  --header "Authorization: Token $TOKEN" \
  --no-color
