"""Production gunicorn settings: `gunicorn -c gunicorn.conf.py trialsearch.wsgi`.

WEB_CONCURRENCY sets the workers (default: 2 per core + 1); BIND the address (default 127.0.0.1:8000,
put a TLS-terminating proxy or load balancer in front). Database connections persist per worker
(CONN_MAX_AGE) with health checks.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# The path without its query string (%(U)s, not %(r)s) and no Referer (%(f)s): a search's or a
# page's parameters can be health facts (a diagnosis, a postcode), and a log line must never hold
# them. "Could I join?" posts its answers, so they are in no address anyway.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
errorlog = "-"
preload_app = True
