"""A PostgreSQL server for the tests: the one named by ``EVALAPP_TEST_PG_URL`` (e.g. started by
CI or scripts/pg-test-cluster.sh), else a private throw-away cluster on loopback that this test
session starts itself (as root through ``su postgres``, or as the current user) when the
PostgreSQL server binaries are installed; else the reason why PostgreSQL tests are skipped.

Every test gets its own database, created from a migrated template (fast), dropped after.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

ENV_URL = "EVALAPP_TEST_PG_URL"  # server URL without a database: postgresql+psycopg://u@h:p
DEFAULT_PORT = 54329


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    for port in (DEFAULT_PORT, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port")


class Cluster:
    """A private cluster in a temporary directory (started/stopped by this process)."""

    def __init__(self, bindir: Path, durable: bool = False):
        self.bindir = bindir
        self.durable = durable  # benchmarks: fsync and synchronous commit as in production
        self.root = Path(tempfile.mkdtemp(prefix="evalapp-pg-"))
        self.data = self.root / "pgdata"
        self.sock = self.root / "pgsock"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            command = ["su", "postgres", "-c", subprocess.list2cmdline(command)]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)

    def start(self) -> str:
        self.data.mkdir()
        self.sock.mkdir()
        if self.as_root:
            os.chmod(self.root, 0o755)
            shutil.chown(self.data, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 " \
            "-c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.data / "log"), "-o", options,
                  "-w", "start")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.SubprocessError, OSError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)


class Server:
    """The server the tests use; ``skip_reason`` is set when there is none."""

    def __init__(self):
        self.url: str | None = None
        self.skip_reason: str | None = None
        self.cluster: Cluster | None = None
        self.template: str | None = None

    def start(self) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            self.skip_reason = "PostgreSQL 测试跳过:未安装 psycopg"
            return
        if os.environ.get("EVALAPP_TEST_PG") == "off":
            self.skip_reason = "PostgreSQL 测试跳过:EVALAPP_TEST_PG=off"
            return
        url = os.environ.get(ENV_URL)
        if url:
            self.url = url.rstrip("/")
            return
        bindir = _bindir()
        if bindir is None:
            self.skip_reason = ("PostgreSQL 测试跳过:本机没有安装 PostgreSQL 服务器(initdb),"
                                f"也没有设置 {ENV_URL};CI 由 .ci/run 用 apt-get 安装")
            return
        if os.geteuid() == 0 and shutil.which("su") is None:
            self.skip_reason = "PostgreSQL 测试跳过:以 root 运行但没有 su,无法以 postgres 用户启动"
            return
        self.cluster = Cluster(bindir)
        try:
            self.url = self.cluster.start()
        except (subprocess.SubprocessError, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            self.skip_reason = (f"PostgreSQL 测试跳过:私有测试集群启动失败:{exc} "
                                f"{detail.decode(errors='replace')[-300:]}")
            self.cluster.stop()
            self.cluster = None

    def stop(self) -> None:
        if self.template:
            self._admin(f'DROP DATABASE IF EXISTS "{self.template}"')
        if self.cluster is not None:
            self.cluster.stop()

    def _admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(self.libpq("postgres"), autocommit=True) as c:
            c.execute(sql)

    def libpq(self, database: str) -> str:
        """A psycopg (libpq) URL of one database on the server."""
        return self.url.replace("postgresql+psycopg://", "postgresql://") + "/" + database

    def create_database(self, migrated: bool = True) -> str:
        """A fresh database; returns its SQLAlchemy URL."""
        name = "evalapp_t_" + uuid.uuid4().hex[:12]
        if migrated:
            if self.template is None:
                from evalapp.db.engine import open_database
                template = "evalapp_tpl_" + uuid.uuid4().hex[:12]
                self._admin(f'CREATE DATABASE "{template}"')
                open_database(f"{self.url}/{template}").dispose()
                self.template = template
            self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        else:
            self._admin(f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


SERVER = Server()
_started = False


def server() -> Server:
    """The session's server (started on first use; stopped by conftest at session end)."""
    global _started
    if not _started:
        _started = True
        SERVER.start()
    return SERVER
