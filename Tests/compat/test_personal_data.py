"""Issue 21: `junction erase` and `junction secrets` as an operator runs them, and the erased records as
Kombo's SDK reads them. On SQLite only: what differs between the backends (the erasure's and the
rotation's SQL) is tested on both by the Swift suites (`PersonalDataTests`, `SecretRotationTests`);
these check the commands, their output and a running server beside them."""
import json
import os
import subprocess
import urllib.request

import pytest

from conftest import _start
from support import demo_sdk, force_sync, runs, truth, wait


@pytest.fixture
def sqlite_junction():
    server = _start("sqlite")
    yield server
    server.stop()

PERSON = {"first_name": "Ottilie", "last_name": "Quastenflosser", "email": "ottilie.quastenflosser@erase.example"}


def _sandbox_post(server, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.sandbox_port}/_sandbox/{path}", method="POST", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 201
        return json.load(response)["id"]


def _erase(server, *args):
    return subprocess.run([server.binary, "erase", *args], env=server.env, capture_output=True, text=True, timeout=120)


def test_erase_removes_a_person_reports_it_and_the_sdk_reads_the_tombstones(sqlite_junction):
    server = sqlite_junction
    sdk = demo_sdk(server)
    candidate = _sandbox_post(server, "candidates", PERSON)
    job = truth(server, "jobs")["jobs"][0]["id"]
    application = _sandbox_post(server, "applications", {"candidate_id": candidate, "job_id": job})
    server.sync(full=True)
    assert len(sdk.ats.get_candidates(email=PERSON["email"]).result.data.results) == 1

    first = _erase(server, "--email", PERSON["email"].upper())
    second = _erase(server, "--email", PERSON["email"], "--json")
    unknown = _erase(server, "--email", PERSON["email"], "--workspace", "nope")
    server.sync(full=True)

    assert first.returncode == 0, first.stdout + first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == f"Erased what Junction held about {PERSON['email']}:"
    assert "  candidates.record: 1" in lines and "  applications.record: 1" in lines
    assert any(line.startswith("Personio still holds") and f"candidate {candidate}" in line
               and f"application {application}" in line for line in lines)
    assert lines[-1] == "Checked: no text column of any table holds the address any more."
    report = json.loads(second.stdout)
    assert second.returncode == 0 and report["erased"] == {} and report["remaining"] == []
    assert unknown.returncode != 0 and "No workspace has the id 'nope'" in unknown.stderr
    # Nothing of the person in the database, read directly, even after another FULL.
    for value in PERSON.values():
        for table in ("candidates", "applications"):
            hits = server.query(f"SELECT COUNT(*) FROM {table} WHERE LOWER(record) LIKE '%{value.lower()}%'")
            assert hits == [["0"]], (table, value)
    # The SDK parses the tombstones: ids and times kept, the rest null or empty.
    assert sdk.ats.get_candidates(email=PERSON["email"]).result.data.results == []
    erased = sdk.ats.get_candidates(remote_ids=[str(candidate)], include_deleted=True).result.data.results
    assert len(erased) == 1
    assert erased[0].remote_deleted_at is not None and erased[0].first_name is None and erased[0].email_addresses == []
    applications = sdk.ats.get_applications(remote_ids=[str(application)], include_deleted=True).result.data.results
    assert len(applications) == 1 and applications[0].remote_deleted_at is not None
    # The application still names its candidate, now a tombstone too.
    nested = applications[0].candidate
    assert nested.remote_id == str(candidate) and nested.first_name is None and nested.email_addresses == []


def _secrets(server, *args):
    result = subprocess.run([server.binary, "secrets", *args], env=server.env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _synced_after(server, sync_id):
    def finished():
        rows = [row for row in runs(server) if row[0] == sync_id]
        return rows and rows[0][1] in ("SUCCEEDED", "FAILED") and rows[0]
    return wait(finished, f"run {sync_id}")


def test_a_key_rotation_while_the_server_runs_fails_no_sync(sqlite_junction):
    server = sqlite_junction
    sdk = demo_sdk(server)
    key_file = os.path.join(server.data_dir, "secret.key")
    with open(key_file) as handle:
        original = handle.read().split()

    rotated = _secrets(server, "rotate")
    with open(key_file) as handle:
        during = handle.read().split()
    first = _synced_after(server, wait(lambda: force_sync(server)["sync_id"], "a run queued"))
    retired = _secrets(server, "retire")
    with open(key_file) as handle:
        after = handle.read().split()
    second = _synced_after(server, wait(lambda: force_sync(server)["sync_id"], "a run queued"))

    assert len(original) == 1 and len(during) == 2 and during[1] == original[0]
    assert "integrations.credentials: 1 re-encrypted, 0 already current" in rotated
    assert first[1] == "SUCCEEDED", first
    assert "integrations.credentials: 0 re-encrypted, 1 already current" in retired
    assert after == [during[0]]
    assert second[1] == "SUCCEEDED", second
    assert sdk.ats.get_jobs(page_size=1).result.data.results
