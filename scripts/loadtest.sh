#!/usr/bin/env bash
# Load test: gunicorn (gunicorn.conf.py, DEBUG off) on 127.0.0.1 under headless locust, 60 s at 20
# and then 50 users. Needs DATABASE_URL with bench data (`make bench` seeds it). Results go to
# artifacts/loadtest_<users>_stats.csv and a summary to artifacts/loadtest.md. Set CACHE_URL (e.g.
# redis://127.0.0.1:6379/0) to run the workers on one shared cache, as production does.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${LOADTEST_PORT:-8765}"
DURATION="${LOADTEST_DURATION:-60s}"
mkdir -p artifacts
export DEBUG=0 SECRET_KEY="loadtest-throwaway-$RANDOM$RANDOM" SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1
export SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0
export WEB_CONCURRENCY="${WEB_CONCURRENCY:-5}" BIND="127.0.0.1:$PORT"
# Every locust user comes from 127.0.0.1: lift the per-client API throttle and page limits for the run.
export API_ANON_THROTTLE_RATE="1000000/minute" API_USER_THROTTLE_RATE="1000000/minute" RATE_LIMIT_SEARCH="1000000/minute"
export RATE_LIMIT_CHECK="1000000/minute" RATE_LIMIT_FEED="1000000/minute"
$PY manage.py collectstatic --no-input -v0
.venv/bin/gunicorn -c gunicorn.conf.py trialsearch.wsgi > artifacts/loadtest_gunicorn.log 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 1; done
{
  CACHE_USED="${CACHE_URL:-the PostgreSQL table trialsearch_cache (no CACHE_URL)}"
  echo "Cache: $CACHE_USED; $WEB_CONCURRENCY gunicorn workers; $DURATION per run; $(nproc) cores."
  echo
  echo "| users | requests | failures | RPS | p50 ms | p95 ms | p99 ms | answer-cache hit rate |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
} > artifacts/loadtest.md
for USERS in ${LOADTEST_USERS:-20 50}; do
  .venv/bin/locust -f scripts/loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" \
    -u "$USERS" -r "$USERS" -t "$DURATION" --csv "artifacts/loadtest_$USERS" --only-summary \
    > "artifacts/loadtest_$USERS.log" 2>&1 || true
  $PY - "$USERS" <<'PYEOF'
import csv, json, sys
users = sys.argv[1]
rows = list(csv.DictReader(open(f"artifacts/loadtest_{users}_stats.csv")))
total = next(r for r in rows if r["Name"] == "Aggregated")
try:
    hits = json.load(open(f"artifacts/loadtest_{users}_cache.json"))["hit_rate"]
except (OSError, KeyError, ValueError):
    hits = None
line = (f"| {users} | {total['Request Count']} | {total['Failure Count']} | {float(total['Requests/s']):.1f} "
        f"| {total['50%']} | {total['95%']} | {total['99%']} | {hits} |")
open("artifacts/loadtest.md", "a").write(line + "\n")
print(line)
for r in rows:
    print(f"  {r['Name']:20} n={r['Request Count']:>6} fail={r['Failure Count']:>4} p50={r['50%']:>6} p95={r['95%']:>6} p99={r['99%']:>6}")
PYEOF
done
cat artifacts/loadtest.md
