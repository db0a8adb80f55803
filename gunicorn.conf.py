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
errorlog = "-"
preload_app = True
