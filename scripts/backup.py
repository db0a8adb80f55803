"""Back up or restore the database of DATABASE_URL (`make backup`, `make restore`).

    python scripts/backup.py dump FILE      # pg_dump, custom format, into FILE (readable by its owner only)
    python scripts/backup.py restore FILE   # pg_restore FILE into the database, replacing what it holds

The connection goes to pg_dump and pg_restore through libpq's environment (PGHOST, PGPASSWORD, ...),
never on the command line, where other users of the machine could read the password. The tools
come from PG_BIN (a directory) if set, else the first of PATH's and the embedded server's (the
`pgserver` package's) whose version is at least the server's: pg_dump refuses newer servers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
from psycopg.conninfo import make_conninfo

LIBPQ_ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
LIBPQ_OPTIONS = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


class BackupError(Exception):
    """A failure explained for the person running the command."""


def libpq_environment(url: str) -> dict[str, str]:
    """The libpq variables for a DATABASE_URL (a socket directory as the host works too)."""
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    env = {var: str(config[key]) for key, var in LIBPQ_ENV.items() if config.get(key)}
    options = config.get("OPTIONS", {})
    env.update({var: str(options[key]) for key, var in LIBPQ_OPTIONS.items() if key in options})
    return env


def _server_major(env: dict[str, str]) -> int:
    keywords = {"HOST": "host", "PORT": "port", "USER": "user", "PASSWORD": "password", "NAME": "dbname"}
    params = {keywords[key]: env[var] for key, var in LIBPQ_ENV.items() if var in env}
    if "PGSSLMODE" in env:
        params["sslmode"] = env["PGSSLMODE"]
    with psycopg.connect(make_conninfo("", **params)) as connection:
        return connection.info.server_version // 10000


def _candidates() -> list[Path]:
    if os.environ.get("PG_BIN"):
        return [Path(os.environ["PG_BIN"])]
    found = shutil.which("pg_dump")
    directories = [Path(found).parent] if found else []
    try:
        import pgserver  # noqa: F401 (the embedded server's package ships the client tools)
    except ImportError:
        return directories
    return [*directories, Path(sys.modules["pgserver"].__file__ or "").parent / "pginstall" / "bin"]


def _major(tool: Path) -> int:
    output = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def tool_for(name: str, server_major: int) -> Path:
    """The first pg_dump or pg_restore at least as new as the server."""
    tried = []
    for directory in _candidates():
        tool = directory / name
        if tool.exists():
            major = _major(tool)
            if major >= server_major:
                return tool
            tried.append(f"{tool} ({major})")
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer (tried: {', '.join(tried) or 'none found'}). "
        "Install the client tools of that version and set PG_BIN to their directory."
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    # The tools are ours (PG_BIN, PATH or pgserver); the arguments are built here, never from a shell.
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def dump(url: str, target: Path) -> None:
    """Dump the database into `target`, written in full or not at all, readable by its owner only."""
    env = libpq_environment(url)
    pg_dump = tool_for("pg_dump", _server_major(env))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(handle)
    try:
        _run([str(pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], env)
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)


def restore(url: str, source: Path) -> None:
    """Restore `source` into the database, in one transaction: on any error nothing changes."""
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    env = libpq_environment(url)
    pg_restore = tool_for("pg_restore", _server_major(env))
    command = [str(pg_restore), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run([*command, "--exit-on-error", f"--dbname={env['PGDATABASE']}", str(source)], env)


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("dump", "restore"):
        print(__doc__, file=sys.stderr)
        return 2
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("Set DATABASE_URL (make backup and make restore set it for the embedded server).", file=sys.stderr)
        return 2
    try:
        if argv[1] == "dump":
            dump(url, Path(argv[2]))
            print(f"Backed up to {argv[2]}")
        else:
            restore(url, Path(argv[2]))
            print(f"Restored {argv[2]}")
    except (BackupError, psycopg.Error) as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
