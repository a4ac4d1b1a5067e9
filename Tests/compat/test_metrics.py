"""`GET /metrics` moves as expected across a sync and a failed request: the expected changes
come from what the test did to the sandbox (a new job, injected Personio failures) and to
the API (one refused request), not from Junction's own counts."""
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


def test_metrics_move_across_a_sync_and_a_failed_request(mutable_junction):
    server = mutable_junction
    _wait_for_first_sync(server, server.demo_integration_id)
    before = _scrape(server)

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
