"""A throwaway PostgreSQL server for the library tests: Debian's ``postgresql`` binaries, a data
folder and a Unix socket under a temporary folder, trust authentication, no TCP.

Used by ``.ci/run`` (``python tests/pgserver.py start DIR`` prints the URL; ``stop DIR``) and by
``tests/conftest.py`` when ``EVALLIB_TEST_PG_URL`` is not set.  As root the server runs as the
``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

DB = "evallib_test"
USER = "evallib"


def find_bin() -> Path | None:
    """The folder of ``initdb``, ``pg_ctl`` and ``createdb``: Debian's newest version, else the
    folder of ``initdb`` on PATH."""
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(base: Path) -> str:
    """Start a server in ``base`` (created; its parent must be open to others, as /tmp is) and
    return the SQLAlchemy URL of its test database."""
    bindir = find_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    base.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # the server's user must reach the folder (its parent: /tmp, say)
        shutil.chown(base, "postgres", "postgres")
        base.chmod(0o755)
    data, port = base / "data", _free_port()
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_owner(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        **run,
    )
    opts = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        _as_owner(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(base / "log"),
                "-o",
                opts,
                "-w",
                "start",
            ]
        ),
        **run,
    )
    subprocess.run(
        _as_owner([str(bindir / "createdb"), "-h", str(base), "-p", str(port), "-U", USER, DB]),
        **run,
    )
    (base / "port").write_text(str(port))
    return f"postgresql+psycopg://{USER}@/{DB}?host={base}&port={port}"


def stop(base: Path) -> None:
    """Stop the server started in ``base`` (fast shutdown) and remove its files."""
    bindir = find_bin()
    if bindir is not None and (base / "data").exists():
        subprocess.run(
            _as_owner(
                [str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "fast", "-w", "stop"]
            ),
            capture_output=True,
            check=False,
        )
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    action, folder = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(folder))
    else:
        stop(folder)
