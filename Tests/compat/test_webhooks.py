"""Webhooks as a receiver sees them: signed as Kombo documents (checked here with Python's own
hmac, not Junction's code), the reference's payloads, at least once and in order per
integration through a failing receiver, and dead-lettered with every attempt logged."""
import base64
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import _start
from support import GOOD, http_request as _http, kombo as _sdk
from support import wait_for_first_sync as _wait_for_first_sync

# The reference's changed_models names for the ATS models (unified-api.md §6).
ATS_MODEL_NAMES = {"ats_users", "ats_jobs", "ats_job_postings", "ats_candidates", "ats_application_stages",
                   "ats_applications", "ats_screening_questions", "ats_tags", "ats_interviews", "ats_offers",
                   "ats_rejection_reasons", "ats_roles", "ats_notes", "ats_scorecards", "ats_attachments",
                   "ats_join_candidates_tags", "ats_join_jobs_application_stages",
                   "ats_join_jobs_screening_questions", "ats_join_user_job_role_assignments", "ats_join_jobs_users",
                   "ats_join_users_roles", "ats_join_interviews_users"}


class Receiver:
    """A webhook receiver that fails its first `fail_first` requests (HTTP 500), or all."""

    def __init__(self, fail_first=0, always_fail=False):
        self.fail_first, self.always_fail = fail_first, always_fail
        self.requests = []  # (status answered, headers, raw body)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    failing = receiver.always_fail or len(receiver.requests) < receiver.fail_first
                    status = 500 if failing else 200
                    receiver.requests.append((status, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"

    def delivered(self):
        """Events answered 200, deduplicated by id, in the order they first arrived."""
        seen, events = set(), []
        with self.lock:
            for status, _, body in self.requests:
                event = json.loads(body)
                if status == 200 and event["id"] not in seen:
                    seen.add(event["id"])
                    events.append(event)
        return events

    def wait_for(self, predicate, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.delivered()):
                return self.delivered()
            time.sleep(0.1)
        raise AssertionError(f"timed out; received {[e['type'] for e in self.delivered()]}")

    def close(self):
        self.server.shutdown()


def _kombo_signature(secret: str, body: bytes) -> str:
    """The documented algorithm: base64url without padding of HMAC-SHA256(secret, raw body)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _register(server, url, events=None):
    body = {"url": url, "description": "test receiver"}
    if events:
        body["events"] = events
    status, text = _http(server.base_url + "/v1/webhooks", method="POST", api_key=server.api_key,
                         body=json.dumps(body).encode())
    assert status == 200, text
    return json.loads(text)["data"]


def _set_enabled(server, integration_id, value):
    status, text = _http(server.base_url + f"/v1/integrations/{integration_id}/enabled", method="PUT",
                         api_key=server.api_key, body=json.dumps({"value": value}).encode())
    assert status == 200, text


@pytest.fixture(params=["sqlite", "postgres"])
def fast_retries(request):
    """A server whose retry schedule is the default one a thousand times faster."""
    server = _start(request.param, JUNCTION_WEBHOOK_RETRY_SCALE="0.001")
    yield server
    server.stop()


def test_every_event_is_signed_and_shaped_as_the_reference_says(fast_retries):
    server = fast_retries
    receiver = Receiver()
    endpoint = _register(server, receiver.url)
    assert endpoint["secret"].startswith("whsec_")
    sdk = _sdk(server)
    _wait_for_first_sync(server, server.demo_integration_id)

    # A connected integration: created, first sync (data changed), finished; then deleted.
    link = sdk.connect.create_connection_link(
        end_user_email="hooks@customer.example", end_user_organization_name="Hooks GmbH",
        end_user_origin_id="origin-h", integration_category="ATS").data.link
    _http(link + "/test", GOOD)
    status, done = _http(link + "/finish", {"channel_id": "250624", "channel_name": "Hooks"})
    token = re.search(r'id="activation-token">([^<]+)<', done).group(1)
    integration_id = sdk.connect.get_integration_by_token(token=token).data.id
    _wait_for_first_sync(server, integration_id)
    # A flow whose credentials are refused.
    failed_link = sdk.connect.create_connection_link(
        end_user_email="hooks@customer.example", end_user_organization_name="Failing GmbH",
        integration_category="ATS").data.link
    _http(failed_link + "/test", dict(GOOD, client_secret="wrong"))
    sdk.general.delete_integration(integration_id=integration_id, body={})

    events = receiver.wait_for(lambda got: {"integration-deleted", "connection-flow-failed"} <= {e["type"] for e in got})
    receiver.close()

    for status_, headers, body in receiver.requests:
        assert headers["X-Kombo-Signature"] == _kombo_signature(endpoint["secret"], body)
        assert headers["Content-Type"] == "application/json"
    mine = [e for e in events if e["data"].get("integration_id", e["data"].get("id")) == integration_id]
    types = [e["type"] for e in mine]
    assert types[0] == "integration-created" and types[-1] == "integration-deleted"
    assert {"data-changed", "sync-finished", "integration-state-changed"} <= set(types)
    assert types.index("data-changed") < types.index("sync-finished")
    by_type = {e["type"]: e for e in mine}
    created = by_type["integration-created"]["data"]
    assert created == {"id": integration_id, "tool": "personio", "category": "ATS", "end_user": {
        "organization_name": "Hooks GmbH", "creator_email": "hooks@customer.example", "origin_id": "origin-h"}}
    changed = {m["name"] for m in by_type["data-changed"]["data"]["changed_models"]}
    assert {"ats_jobs", "ats_candidates", "ats_applications"} <= changed <= ATS_MODEL_NAMES
    finished = by_type["sync-finished"]["data"]
    assert finished["sync_state"] == "SUCCEEDED" and finished["integration_id"] == integration_id
    assert set(finished) == {"sync_id", "sync_state", "sync_started_at", "sync_ended_at", "sync_duration_seconds",
                             "integration_id", "integration_tool", "integration_category", "end_user", "log_url"}
    state = by_type["integration-state-changed"]["data"]
    assert state["setup_status"] == "COMPLETED" and state["state"] == "ACTIVE"
    assert by_type["integration-deleted"]["data"]["id"] == integration_id
    flow_failed = next(e for e in events if e["type"] == "connection-flow-failed")["data"]
    assert flow_failed["end_user"]["organization_name"] == "Failing GmbH"
    assert len({e["id"] for e in events}) == len(events)


def test_a_receiver_failing_five_times_gets_every_event_once_in_order(fast_retries):
    server = fast_retries
    _wait_for_first_sync(server, server.demo_integration_id)
    receiver = Receiver(fail_first=5)
    _register(server, receiver.url, events=["integration-state-changed"])
    integration_id = server.demo_integration_id

    for value in [False, True, False, True]:
        _set_enabled(server, integration_id, value)

    events = receiver.wait_for(lambda got: len(got) == 4)
    time.sleep(0.5)  # nothing more arrives
    receiver.close()

    assert [e["data"]["state"] for e in receiver.delivered()] == ["INACTIVE", "ACTIVE", "INACTIVE", "ACTIVE"]
    assert [status for status, _, _ in receiver.requests[:5]] == [500] * 5
    # At least once: every event answered 200 exactly once; the failures were all the first event.
    successes = [json.loads(body)["id"] for status, _, body in receiver.requests if status == 200]
    assert successes == [e["id"] for e in events]
    first = json.loads(receiver.requests[0][2])["id"]
    assert all(json.loads(body)["id"] == first for _, _, body in receiver.requests[:6])


@pytest.fixture(params=["sqlite", "postgres"])
def few_attempts(request):
    server = _start(request.param, JUNCTION_WEBHOOK_RETRY_SCALE="0.001", JUNCTION_WEBHOOK_MAX_ATTEMPTS="3")
    yield server
    server.stop()


def test_a_receiver_that_never_succeeds_ends_dead_lettered_and_can_be_redelivered(few_attempts):
    server = few_attempts
    _wait_for_first_sync(server, server.demo_integration_id)
    receiver = Receiver(always_fail=True)
    # Only the state change this test makes: a sync of the demo integration finishing meanwhile
    # would add its own events' attempts to the receiver's count.
    endpoint = _register(server, receiver.url, events=["integration-state-changed"])
    _set_enabled(server, server.demo_integration_id, False)

    deliveries_url = server.base_url + f"/v1/webhooks/{endpoint['id']}/deliveries"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status, text = _http(deliveries_url, api_key=server.api_key)
        deliveries = json.loads(text)["data"]["results"]
        if deliveries and deliveries[0]["state"] == "DEAD":
            break
        time.sleep(0.1)
    dead = deliveries[0]

    assert dead["state"] == "DEAD" and dead["attempts"] == 3
    assert [a["attempt"] for a in dead["attempt_log"]] == [1, 2, 3]
    assert all(a["status"] == 500 and a["error"] == "HTTP 500" for a in dead["attempt_log"])
    assert len(receiver.requests) == 3

    receiver.always_fail = False
    status, text = _http(server.base_url + f"/v1/webhooks/deliveries/{dead['id']}/redeliver", method="POST",
                         api_key=server.api_key, body=b"{}")
    assert status == 200 and json.loads(text)["data"]["state"] == "PENDING"
    events = receiver.wait_for(lambda got: len(got) == 1)
    receiver.close()
    assert events[0]["id"] == dead["event_id"] and events[0]["type"] == "integration-state-changed"
    # The redelivery's attempt is numbered after the three before it, in time order.
    for _ in range(100):
        status, text = _http(deliveries_url, api_key=server.api_key)
        again = next(d for d in json.loads(text)["data"]["results"] if d["id"] == dead["id"])
        if again["state"] == "DELIVERED":
            break
        time.sleep(0.1)
    assert again["state"] == "DELIVERED" and again["attempts"] == 4
    assert [a["attempt"] for a in again["attempt_log"]] == [1, 2, 3, 4]
    assert [a["attempted_at"] for a in again["attempt_log"]] == sorted(a["attempted_at"] for a in again["attempt_log"])
