"""Start or stop the embedded PostgreSQL used when DATABASE_URL is not set.

    python scripts/devdb.py start   # starts it if needed; prints its DATABASE_URL
    python scripts/devdb.py stop    # stops it

The server is the `pgserver` package's PostgreSQL, with its data under .data/pg. It is the same
engine as production, so there is one code path. It has no extensions and needs none.

It runs with the settings docs/scaling.md recommends (`tuned_settings()`: a quarter of the
machine's memory for shared buffers, up to 4 GB; the planner told that pages are cached and reads
are cheap; no JIT), applied with ALTER SYSTEM and a restart when they differ.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"


MB = 1024 * 1024


def tuned_settings(memory_bytes: int | None = None) -> dict[str, str]:
    """The PostgreSQL settings for this machine's memory (docs/scaling.md, "PostgreSQL")."""
    if memory_bytes is None:
        memory_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    memory_mb = memory_bytes // MB
    return {
        "shared_buffers": f"{max(128, min(memory_mb // 4, 4096))}MB",
        "effective_cache_size": f"{max(512, memory_mb // 2)}MB",
        "work_mem": "32MB",
        "maintenance_work_mem": f"{max(64, min(memory_mb // 16, 1024))}MB",
        "random_page_cost": "1.1",
        "jit": "off",
    }


def _tune(server: object, uri: str) -> None:
    import psycopg

    wanted = tuned_settings()
    with psycopg.connect(uri, autocommit=True) as connection:
        for name, value in wanted.items():
            connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        connection.execute("SELECT pg_reload_conf()")
        row = connection.execute("SELECT count(*) FROM pg_settings WHERE pending_restart").fetchone()
    if row and row[0]:
        from pgserver import _commands  # its command functions are made at import time

        pg_ctl = getattr(_commands, "pg_ctl")  # noqa: B009
        pg_ctl(["-w", "restart"], pgdata=DATA_DIR, user=server.system_user)  # type: ignore[attr-defined]


def start() -> str:
    """Start the server (a no-op when it already runs), with tuned settings, and return its URL."""
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(DATA_DIR, cleanup_mode=None)  # type: ignore[attr-defined]
        _tune(server, server.get_uri())
    socket_dir = server.get_uri().split("host=", 1)[1].split("&", 1)[0]
    return f"postgres://postgres@{quote(socket_dir, safe='')}/postgres"


def stop() -> None:
    """Stop the server if it runs."""
    if not (DATA_DIR / "postmaster.pid").exists():
        return
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import pgserver

        pgserver.get_server(DATA_DIR, cleanup_mode="stop").cleanup()  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    if argv[1:] == ["start"]:
        print(start())
        return 0
    if argv[1:] == ["stop"]:
        stop()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
