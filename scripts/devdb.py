"""Start or stop the embedded PostgreSQL used when DATABASE_URL is not set.

    python scripts/devdb.py start   # starts it if needed; prints its DATABASE_URL
    python scripts/devdb.py stop    # stops it

The server is the `pgserver` package's PostgreSQL, with its data under .data/pg. It is the same
engine as production, so there is one code path. It has no extensions and needs none.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

DATA_DIR = Path(__file__).resolve().parent.parent / ".data" / "pg"


def start() -> str:
    """Start the server (a no-op when it already runs) and return its URL."""
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        import pgserver

        server = pgserver.get_server(DATA_DIR, cleanup_mode=None)  # type: ignore[attr-defined]
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
