"""Runs a real `junction serve` for the official Kombo SDK to talk to.

Each backend (SQLite file, PostgreSQL database) gets its own server process on a free loopback
port, with a known API key registered through JUNCTION_API_KEY.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _create_postgres_database(admin_url: str) -> str:
    name = "compat_" + secrets.token_hex(6)
    parsed = urllib.parse.urlsplit(admin_url)
    psql = shutil.which("psql")
    assert psql, "psql is needed to create the test database (Debian package postgresql-client)"
    subprocess.run(
        [psql, "-h", parsed.hostname, "-p", str(parsed.port), "-U", parsed.username, "-d", "postgres",
         "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"],
        check=True,
    )
    return urllib.parse.urlunsplit(parsed._replace(path="/" + name))


class JunctionServer:
    def __init__(self, database_url: str | None, extra_env: dict | None = None):
        binary = os.environ.get("JUNCTION_BIN")
        assert binary and os.path.exists(binary), "set JUNCTION_BIN to the built junction executable (scripts/test does)"
        self.data_dir = tempfile.mkdtemp(prefix="junction-compat-")
        self.port = _free_port()
        self.sandbox_port = _free_port()
        self.api_key = "jk_compat_" + secrets.token_urlsafe(24)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUNCTION_")}
        env.update(JUNCTION_DATA_DIR=self.data_dir, JUNCTION_API_KEY=self.api_key, JUNCTION_LOG_LEVEL="warning",
                   JUNCTION_ATTACHMENTS_ALLOW_PRIVATE_URLS="true",
                   # Test receivers listen on loopback; production allows no private address.
                   JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS="127.0.0.0/8",
                   JUNCTION_DEMO_SANDBOX_PORT=str(self.sandbox_port),
                   # Connect flows reach the demo's sandbox instead of Personio.
                   JUNCTION_CONNECT_PERSONIO_BASE_URL=f"http://127.0.0.1:{self.sandbox_port}")
        if database_url:
            env["JUNCTION_DATABASE_URL"] = database_url
        env.update(extra_env or {})
        self.env = env
        self.database_url = database_url
        self.binary = binary
        self.log = open(os.path.join(self.data_dir, "server.log"), "w+")
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.sandbox_url = f"http://127.0.0.1:{self.sandbox_port}"
        self._launch()
        self.log.seek(0)
        ids = re.findall(r"personio:[1-9A-HJ-NP-Za-km-z]{24}", self.log.read())
        self.demo_integration_id = ids[0] if ids else None

    def _launch(self):
        self.process = subprocess.Popen(
            [self.binary, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_until_healthy()

    def kill_and_restart(self):
        """SIGKILL, as the OOM killer or a power cut would, then the same server on the same data."""
        self.process.kill()
        self.process.wait(timeout=20)
        self._launch()

    def _wait_until_healthy(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.log.seek(0)
        raise AssertionError("junction serve did not become healthy:\n" + self.log.read())

    def sync(self, full: bool = False):
        """Runs `junction sync` on the same database, as an operator would."""
        command = [self.binary, "sync", "--integration", self.demo_integration_id] + (["--full"] if full else [])
        result = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    TABLES = ["jobs", "candidates", "applications", "application_stages", "users", "screening_questions", "tags",
              "job_stages", "job_screening_questions", "sync_runs"]

    def count_records(self, integration_id: str) -> int:
        """Rows anywhere in the store that belong to the integration, read from the database itself."""
        query = " + ".join(f"(SELECT COUNT(*) FROM {t} WHERE integration_id = '{integration_id}')" for t in self.TABLES)
        return int(self.query(f"SELECT {query}")[0][0])

    def query(self, sql: str) -> list[list[str]]:
        """Rows of `sql`, every value as text, read from the database itself (not through Junction)."""
        if self.database_url:
            parsed = urllib.parse.urlsplit(self.database_url)
            result = subprocess.run(
                [shutil.which("psql"), "-h", parsed.hostname, "-p", str(parsed.port), "-U", parsed.username,
                 "-d", parsed.path.lstrip("/"), "-At", "-F", "\t", "-c", sql],
                check=True, capture_output=True, text=True)
            return [line.split("\t") for line in result.stdout.splitlines() if line]
        import sqlite3
        with sqlite3.connect(os.path.join(self.data_dir, "junction.sqlite")) as connection:
            return [["" if v is None else str(v) for v in row] for row in connection.execute(sql).fetchall()]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def _start(backend: str, **extra_env) -> JunctionServer:
    if backend == "postgres":
        admin_url = os.environ.get("JUNCTION_TEST_POSTGRES_URL")
        assert admin_url, "set JUNCTION_TEST_POSTGRES_URL to a PostgreSQL server URL (scripts/test does)"
        return JunctionServer(_create_postgres_database(admin_url), extra_env)
    return JunctionServer(None, extra_env)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def junction(request):
    """A server whose sandbox nobody changes: tests compare it with the sandbox's ground truth."""
    server = _start(request.param)
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def mutable_junction(request):
    """A server of its own, for a test that changes the sandbox behind it."""
    server = _start(request.param)
    yield server
    server.stop()
