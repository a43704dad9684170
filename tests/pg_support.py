"""A real, throwaway PostgreSQL server for the tests: ``initdb`` into a temp dir, ``postgres`` on a
free loopback port (TCP only, trust auth, fsync off: the data is thrown away), a fresh database per
test, stopped at the end. ``durable=True`` keeps PostgreSQL's default flushes (the store benchmark).

The binaries are Debian's (``apt-get install postgresql``; ``make test`` installs them, see
scripts/system-deps.sh): ``AISLE_TEST_PG_BINDIR``, else the directory of ``pg_ctl`` on PATH, else the
newest ``/usr/lib/postgresql/*/bin``. PostgreSQL refuses to run as root: as root the server runs as
the ``postgres`` user (created by the Debian package), or ``nobody``. Nothing here skips: a server that
cannot start is an error whose message says why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

__all__ = ["PostgresServer"]

_USERS = ("postgres", "nobody")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bindir() -> Path:
    explicit = os.environ.get("AISLE_TEST_PG_BINDIR")
    candidates = [Path(explicit)] if explicit else []
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    candidates.extend(versions)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "postgres").exists():
            return folder
    raise RuntimeError(
        "PostgreSQL server binaries not found (initdb, postgres): run `make system-deps` or "
        "`apt-get install postgresql`, or set AISLE_TEST_PG_BINDIR to the directory holding them"
    )


def _runas() -> list[str]:
    """The command prefix that drops root for the server (PostgreSQL will not run as root)."""
    if os.geteuid() != 0:
        return []
    for user in _USERS:
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"]
    raise RuntimeError(f"running as root and none of the users {_USERS} exists to run PostgreSQL as")


class PostgresServer:
    """One throwaway cluster; :meth:`create_database` gives each test its own empty database."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        self.bindir = _bindir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="aisle-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as = _runas()
        self.user = "aisle"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"PostgreSQL test server: `{' '.join(args[:2])}` failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}{result.stderr[-2000:]}\n{log}"
            )

    def start(self) -> PostgresServer:
        if self._as:
            shutil.chown(self.root, user=self._as[2])
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = f"-p {self.port} -h 127.0.0.1 -c unix_socket_directories='' -c max_connections=200"
        if not self.durable:  # test data is thrown away: skip the disk flushes
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        """A fresh, empty database; its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
