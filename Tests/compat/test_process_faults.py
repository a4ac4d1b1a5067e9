"""Process and database faults of issue 10's matrix: a `junction serve` killed with SIGKILL in the
middle of a FULL sync and started again, and its PostgreSQL server restarted under a running
sync. Each time the interrupted run ends (FAILED with a reason, or it rode the restart out), the
next run completes, and the
store holds every record of the sandbox exactly once with none marked deleted (checked against
the sandbox's ground truth, read from the database itself, not through Junction)."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from conftest import JunctionServer, _free_port, _start
from support import wait_for_first_run_to_end as _wait_for_first_run_to_end, wait_for_first_sync as _wait_for_first_sync
from support import check_store_matches_sandbox as _check_store_matches_sandbox, force_sync as _force_sync, runs as _runs, sandbox_request as _sandbox, sync_state as _sync_state, wait as _wait

# Enough candidates for three pages of 200, each held by the sandbox for a while, so a sync is
# reliably caught in the middle of its candidates. `scripts/test --long` kills five runs in a row.
LONG = os.environ.get("JUNCTION_TEST_LONG") == "1"
SIZE = {"JUNCTION_DEMO_CANDIDATES": "600", "JUNCTION_DEMO_JOBS": "20"}


def _start_slow_sync(server, page_milliseconds=2000):
    """A FULL run whose candidate pages each take a while, caught after its first page is stored."""
    _wait_for_first_sync(server, server.demo_integration_id)
    # Else the force-sync below may answer with the first run's id, never seen RUNNING again.
    _wait_for_first_run_to_end(server)
    _sandbox(server, "PUT", "/_sandbox/faults",
             {"rules": [{"path": "/v2/recruiting/candidates", "fault": "latency", "milliseconds": page_milliseconds}]})
    sync_id = _force_sync(server)["sync_id"]
    _wait(lambda: any(run[0] == sync_id and run[1] == "RUNNING" for run in _runs(server)), "the forced run",
          explain=lambda: _sync_state(server))
    # The first page is stored when the run has marked candidates seen (read from the database).
    # The second page's request is no sign of it: a listing asks for the next page while it
    # stores the current one, so the run may still be writing then.
    _wait(lambda: int(server.query(f"SELECT COUNT(*) FROM candidates WHERE last_seen_run = '{sync_id}'")[0][0]) > 0,
          "the first page of candidates stored", explain=lambda: _sync_state(server))
    return sync_id


def _finish_clean_run(server):
    _sandbox(server, "DELETE", "/_sandbox/faults")
    sync_id = _wait(lambda: _force_sync(server)["sync_id"], "a new run queued")
    return _wait(lambda: next((run for run in _runs(server) if run[0] == sync_id and run[1] != "RUNNING"), None),
                 "the next run", explain=lambda: _sync_state(server))


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_sigkill_mid_sync_then_restart_loses_nothing(backend):
    server = _start(backend, **SIZE)
    try:
        for _ in range(5 if LONG else 1):
            killed_run = _start_slow_sync(server)

            server.kill_and_restart()
            # Before the API answers, the restarted server fails the run its predecessor left RUNNING.
            after_restart = {run[0]: run for run in _runs(server)}

            assert after_restart[killed_run][1] == "FAILED"
            assert "interrupted" in after_restart[killed_run][2]
        final = _finish_clean_run(server)

        assert final[1] == "SUCCEEDED", final
        _check_store_matches_sandbox(server)
    finally:
        server.stop()


class PrivatePostgres:
    """A PostgreSQL server of this test's own (Debian's binaries, as scripts/test uses), so
    restarting it disturbs no other test."""

    def __init__(self):
        bins = sorted(d for d in os.listdir("/usr/lib/postgresql") if os.path.isdir(f"/usr/lib/postgresql/{d}/bin"))
        self.bin = f"/usr/lib/postgresql/{bins[-1]}/bin"
        self.dir = tempfile.mkdtemp(prefix="junction-pg-restart-")
        self.as_owner = []
        if os.geteuid() == 0:  # initdb refuses root: the package's postgres user runs the server
            shutil.chown(self.dir, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self.port = _free_port()
        self._run("initdb", "-D", f"{self.dir}/data", "-U", "junction", "--auth=trust", "-E", "UTF8")
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                  f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        self.url = f"postgres://junction@127.0.0.1:{self.port}/postgres?sslmode=disable"

    def _run(self, tool, *args):
        subprocess.run(self.as_owner + [f"{self.bin}/{tool}", *args], check=True, capture_output=True, timeout=120)

    def restart(self):
        """A fast restart: every session is cut, as a failover or an operator's restart does."""
        self._run("pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-m", "fast", "-w", "restart")

    def stop(self):
        subprocess.run(self.as_owner + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def test_postgres_restart_mid_sync_loses_nothing():
    postgres = PrivatePostgres()
    server = None
    try:
        server = JunctionServer(postgres.url, SIZE)
        interrupted = _start_slow_sync(server, page_milliseconds=4000)

        postgres.restart()
        # The restart took the run's advisory lock with its session; the run takes it again.
        def lock_while_running():
            running = any(run[0] == interrupted and run[1] == "RUNNING" for run in _runs(server))
            locks = int(server.query("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")[0][0])
            return (running, locks) if locks > 0 or not running else None
        relocked = _wait(lock_while_running, "the run to hold its lock again", timeout=30,
                     explain=lambda: _sync_state(server))
        # Between pages the pool reconnects, so the run may well finish; if the restart cut one of
        # its statements it fails, and once its lock is free the scheduler would fail it too.
        ended = _wait(lambda: next((run for run in _runs(server) if run[0] == interrupted and run[1] != "RUNNING"),
                                    None), "the interrupted run to end", timeout=90,
                     explain=lambda: _sync_state(server))
        final = _finish_clean_run(server)
        health = urllib.request.urlopen(server.base_url + "/healthz", timeout=10).status

        assert relocked == (True, 1), "the running sync holds its lock again after the restart"
        assert ended[1] == "SUCCEEDED" or (ended[1] == "FAILED" and ended[2]), ended
        assert final[1] == "SUCCEEDED", final
        assert health == 200
        _check_store_matches_sandbox(server)
    finally:
        if server:
            server.stop()
        postgres.stop()
