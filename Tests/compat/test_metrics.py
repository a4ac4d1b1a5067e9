"""`GET /metrics` moves as expected across a sync and a failed request: the expected changes
come from what the test did to the sandbox (a new job, injected Personio failures) and to
the API (one refused request), not from Junction's own counts."""
import datetime
import json
import re
import time
import urllib.request

from support import http_request as _http, kombo as _sdk
from support import wait_for_first_sync as _wait_for_first_sync

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf)$')


def _scrape(server):
    request = urllib.request.Request(server.base_url + "/metrics",
                                     headers={"Authorization": f"Bearer {server.api_key}"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = LINE.match(line)
        assert match, f"not Prometheus text format: {line!r}"
        labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        values[(match.group(1), labels)] = float(match.group(4))
    return values


def _value(values, name, **labels):
    return values.get((name, frozenset(labels.items())), 0.0)


def _sandbox(server, method, path, body):
    request = urllib.request.Request(server.sandbox_url + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status


def _scrape_once_the_first_run_is_counted(server):
    """The metrics once the first sync's run is in them: its data is readable a moment before the
    run is finished and counted (setup completes inside the run), so a scrape taken as soon as a
    page answers may still lack the first run's records."""
    _wait_for_first_sync(server, server.demo_integration_id)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        values = _scrape(server)
        if _value(values, "junction_sync_runs_total", type="FULL", result="SUCCEEDED") >= 1:
            return values
        time.sleep(0.2)
    raise AssertionError("the first sync's run was never counted in the metrics")


def test_metrics_move_across_a_sync_and_a_failed_request(mutable_junction):
    server = mutable_junction
    before = _scrape_once_the_first_run_is_counted(server)

    # One refused API request.
    status, _ = _http(server.base_url + "/v1/ats/jobs", api_key=server.api_key)
    assert status == 400
    # One new job, two failed job listings (retried) and one rate-limited candidate listing.
    assert _sandbox(server, "POST", "/_sandbox/jobs", {"name": "Metrics Engineer", "published": True}) == 201
    assert _sandbox(server, "PUT", "/_sandbox/faults", {"seed": 1, "rules": [
        {"path": "/v2/recruiting/jobs", "fault": "server_error", "status": 503, "count": 2},
        {"path": "/v2/recruiting/candidates", "fault": "rate_limit", "count": 1, "retry_after": 1},
    ]}) == 200
    _sdk(server, server.demo_integration_id).general.trigger_sync(type_="DELTA")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        after = _scrape(server)
        runs = _value(after, "junction_sync_runs_total", type="DELTA", result="SUCCEEDED")
        if runs > _value(before, "junction_sync_runs_total", type="DELTA", result="SUCCEEDED"):
            break
        time.sleep(0.2)

    def moved(name, **labels):
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert moved("junction_sync_runs_total", type="DELTA", result="SUCCEEDED") == 1
    assert moved("junction_records_synced_total", model="jobs", change="added") == 1
    assert moved("junction_remote_requests_total", tool="personio", status="503") == 2
    assert moved("junction_remote_requests_total", tool="personio", status="429") == 1
    assert moved("junction_remote_rate_limit_waits_total", tool="personio") >= 1
    assert moved("junction_remote_requests_total", tool="personio", status="200") >= 4
    assert moved("junction_http_requests_total", route="/v1/ats/jobs", method="GET", status="400") == 1
    assert moved("junction_http_requests_total", route="/v1/force-sync", method="POST", status="200") == 1
    assert moved("junction_http_request_duration_seconds_count", route="/v1/ats/jobs", method="GET") == 1


def test_metrics_need_an_api_key_by_default(junction):
    """By default `/metrics` is read like the API: without a key it answers 401 in the envelope."""
    status, body = _http(junction.base_url + "/metrics")
    assert status == 401
    assert json.loads(body)["error"]["code"] == "PLATFORM.AUTHENTICATION_INVALID"
    assert _scrape(junction)  # with the key it serves the text format


def test_freshness_is_reported_per_integration_and_across_the_fleet(mutable_junction):
    """The data lag is measured from the start of the last successful run, read here straight from
    the database: the metric, the fleet's buckets and `GET /v1/integrations/{id}` agree with it."""
    server = mutable_junction
    _wait_for_first_sync(server, server.demo_integration_id)
    integration = server.demo_integration_id

    def settled():
        status, body = _http(f"{server.base_url}/v1/integrations/{integration}", api_key=server.api_key)
        data = json.loads(body)["data"]
        return data["data_confirmed_at"] and data["next_sync"] and data["next_sync"]["reason"] != "new"

    deadline = time.monotonic() + 60
    while not settled():
        assert time.monotonic() < deadline, "the first run never went back to the queue"
        time.sleep(0.2)
    started = int(server.query(
        f"SELECT MAX(started_at) FROM sync_runs WHERE integration_id = '{integration}' AND status = 'SUCCEEDED'")[0][0])

    scraped_at = time.time()
    values = _scrape(server)
    status, body = _http(f"{server.base_url}/v1/integrations/{integration}", api_key=server.api_key)
    details = json.loads(body)["data"]

    lag = _value(values, "junction_integration_data_lag_seconds", integration=integration)
    assert abs(lag - (scraped_at - started / 1000)) < 5, (lag, scraped_at, started)
    assert _value(values, "junction_fleet_integrations_fresh_within", le="+Inf") == 1
    assert _value(values, "junction_fleet_integrations_fresh_within", le="600") == (1 if lag <= 600 else 0)
    assert status == 200
    confirmed = datetime.datetime.fromisoformat(details["data_confirmed_at"].replace("Z", "+00:00"))
    assert int(confirmed.timestamp() * 1000) == started
    assert details["next_sync"]["kind"] in ("FULL", "DELTA") and details["next_sync"]["failures"] == 0
    due = datetime.datetime.fromisoformat(details["next_sync"]["due_at"].replace("Z", "+00:00")).timestamp()
    assert started / 1000 + 300 <= due < started / 1000 + 331, "the next DELTA, 300 s plus at most 10% after the run began"
