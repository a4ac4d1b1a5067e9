"""Concurrency (issue 10): two `junction serve` instances on one PostgreSQL database never run one
integration's sync at once, and 50 concurrent creates spread over both, with repeated
idempotency keys, create exactly the distinct applications (counted in the sandbox, Personio's
stand-in, not in Junction)."""
import concurrent.futures
import json
import os
import time
import urllib.error
import urllib.request

import pytest

from conftest import JunctionServer, _start
from support import wait_for_first_sync as _wait_for_first_sync
from support import force_sync as _force_sync, sandbox_request as _sandbox, wait as _wait


@pytest.fixture(scope="module")
def pair():
    first = _start("postgres", JUNCTION_DEMO_CANDIDATES="600", JUNCTION_DEMO_JOBS="20")
    # The second instance shares the database and the secret key; the demo's sandbox stays with
    # the first, and the stored credentials point the second at it.
    second = JunctionServer(first.database_url, {
        "JUNCTION_DEMO": "false", "JUNCTION_SECRET_KEY_FILE": os.path.join(first.data_dir, "secret.key"),
        "JUNCTION_API_KEY": first.api_key})
    second.api_key = first.api_key
    second.demo_integration_id = first.demo_integration_id
    second.sandbox_url = first.sandbox_url
    _wait_for_first_sync(first, first.demo_integration_id)
    yield first, second
    second.stop()
    first.stop()


def test_two_instances_never_run_one_integrations_sync_at_once(pair):
    first, second = pair
    # Slow candidate pages, so runs are long enough to overlap if the lock let them.
    _sandbox(first, "PUT", "/_sandbox/faults",
             {"rules": [{"path": "/v2/recruiting/candidates", "fault": "latency", "milliseconds": 700}]})
    requested = set()
    for round_ in range(3):
        for server in (first, second):
            requested.add(_force_sync(server)["sync_id"])
            time.sleep(0.5)

    # The rows checked are one read in which every requested run is there and none is still
    # going. (Two reads, one for "none running" and one for "all there", let a queued run start
    # between them: CI once saw a row without its finish.)
    def finished_runs():
        rows = first.query(
            "SELECT id, started_at, finished_at, status FROM sync_runs "
            f"WHERE integration_id = '{first.demo_integration_id}' ORDER BY started_at")
        ids = {row[0] for row in rows}
        return rows if requested <= ids and all(row[2] != "" for row in rows) else None

    rows = _wait(finished_runs, "every requested run to finish", timeout=240)
    _sandbox(first, "DELETE", "/_sandbox/faults")
    intervals = [(int(started), int(finished)) for _, started, finished, _ in rows]
    overlaps = [(a, b) for a, b in zip(intervals, intervals[1:]) if b[0] < a[1]]

    assert requested <= {row[0] for row in rows}, "every forced run ran"
    assert all(row[3] == "SUCCEEDED" for row in rows), rows
    assert overlaps == [], f"runs overlapped: {overlaps}"


def _create(server, job_id, key, email):
    body = {"candidate": {"first_name": "Conc", "last_name": key, "email_address": email}}
    headers = {"Authorization": f"Bearer {server.api_key}", "X-Integration-Id": server.demo_integration_id,
               "Content-Type": "application/json", "Idempotency-Key": key}
    request = urllib.request.Request(f"{server.base_url}/v1/ats/jobs/{job_id}/applications",
                                     data=json.dumps(body).encode(), headers=headers, method="POST")
    # A repeat that arrives while the first request with its key runs is told to come back (429
    # PLATFORM.CONCURRENCY_LIMIT_EXCEEDED); a client retries it, as this one does.
    for _ in range(100):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            payload = json.load(error)
            if error.code == 429 and payload["error"]["code"] == "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED":
                time.sleep(0.2)
                continue
            return error.code, payload
    raise AssertionError(f"{key}: still running after 100 retries")


def test_fifty_concurrent_creates_with_repeated_keys_create_each_distinct_one_once(pair):
    first, second = pair
    status, jobs = _get(first, "/v1/ats/jobs?statuses=OPEN&page_size=1")
    job_id = jobs["data"]["results"][0]["id"]
    # 10 distinct requests (within Personio's 20 writes a minute), each sent 5 times, over both instances.
    calls = [((first, second)[i % 2], f"conc-{n}", f"conc-{n}@example.org") for n in range(10) for i in range(5)]
    assert len(calls) == 50 and len({key for _, key, _ in calls}) == 10

    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda call: (call[1], _create(call[0], job_id, call[1], call[2])), calls))
    truth = _sandbox(first, "GET", "/_sandbox/ground-truth?models=candidates,applications")

    assert status == 200
    assert all(status == 200 for _, (status, _) in results), [r for r in results if r[1][0] != 200][:3]
    by_key = {}
    for key, (_, body) in results:
        by_key.setdefault(key, set()).add(body["data"]["id"])
    assert all(len(ids) == 1 for ids in by_key.values()), by_key
    emails = {f"conc-{n}@example.org" for n in range(10)}
    candidates = {c["id"] for c in truth["candidates"] if (c["email"] or "").lower() in emails}
    applications = [a for a in truth["applications"] if a["candidate_id"] in candidates]
    assert len(candidates) == 10 and len(applications) == 10, (len(candidates), len(applications))


def _get(server, path):
    request = urllib.request.Request(server.base_url + path, headers={
        "Authorization": f"Bearer {server.api_key}", "X-Integration-Id": server.demo_integration_id})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.load(response)
