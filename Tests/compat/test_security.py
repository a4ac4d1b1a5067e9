"""The security probe's findings, replayed against a running `junction serve` (issue 16): each
attack or bad input is refused, and nothing reaches Personio (the sandbox's ground truth) or an
internal address (a loopback listener that records what it is asked)."""
import http.server
import json
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import _start
from support import GOOD, create_link as _create_link, http_request as _http
from support import all_pages as _all, sandbox_admin as _sandbox, demo_sdk as _sdk, truth as _truth
from support import open_job as _open_job, post as _post


@pytest.fixture(scope="module")
def listener():
    """A loopback HTTP server that answers /redirect with a 302 to /target and records paths."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/target")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = b"%PDF-1.4 internal answer"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


@pytest.fixture(scope="module")
def hardened():
    """A server with production's webhook policy (no private receivers) and low limits."""
    server = _start("sqlite", JUNCTION_WEBHOOKS_ALLOW_PRIVATE_URLS="false", JUNCTION_RATE_LIMIT_CONNECT_TESTS="3",
                    JUNCTION_RATE_LIMIT_AUTH_FAILURES="5")
    yield server
    server.stop()


def _api(server, method, path, body=None, key=None, headers=None):
    request = urllib.request.Request(
        server.base_url + "/v1" + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key or server.api_key}", "Content-Type": "application/json",
                 **(headers or {})})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.load(error)


def test_a_data_url_redirect_is_not_followed(junction, listener):
    """Private URLs are allowed on this server, so the first hop is fetched; the redirect is not."""
    base, hits = listener
    job = _open_job(_sdk(junction))
    email = "redirect.probe@example.org"
    status, body = _post(junction, f"/ats/jobs/{job.id}/applications", {
        "candidate": {"first_name": "Redir", "last_name": "Probe", "email_address": email},
        "attachments": [{"name": "cv.pdf", "type": "CV", "data_url": base + "/redirect",
                         "content_type": "application/pdf"}]})

    assert status == 400, body
    assert "attachments[0].data_url" in body["error"]["message"] and "302" in body["error"]["message"]
    assert "/redirect" in hits and "/target" not in hits
    assert not [c for c in _truth(junction, "candidates")["candidates"] if c["email"] == email]


def test_a_write_with_a_nul_is_refused_before_anything_reaches_personio(junction):
    job = _open_job(_sdk(junction))
    email = "nul.write@example.org"
    status, body = _post(junction, f"/ats/jobs/{job.id}/applications", {
        "candidate": {"first_name": "Nul\u0000Write", "last_name": "Probe", "email_address": email}})

    assert status == 400
    assert "'candidate.first_name'" in body["error"]["message"]
    assert not [c for c in _truth(junction, "candidates")["candidates"] if c["email"] == email]


def test_a_nul_in_upstream_text_does_not_stop_the_sync(mutable_junction):
    """On PostgreSQL this failed every sync of the integration; now both backends serve the same."""
    junction = mutable_junction
    sdk = _sdk(junction)
    truth = _truth(junction, "candidates")["candidates"]
    nul, edited = truth[0], truth[1]

    _sandbox(junction, "PATCH", f"candidates/{nul['id']}", {"first_name": "Nul\u0000Byte", "location": "A\u0000B"})
    _sandbox(junction, "PATCH", f"candidates/{edited['id']}", {"last_name": "Edited"})
    junction.sync()
    served = {c.remote_id: c for c in _all(sdk.ats.get_candidates, page_size=250)}

    assert served[str(nul["id"])].first_name == "Nul\u0000Byte"
    assert served[str(edited["id"])].last_name == "Edited"
    junction.sync(full=True)
    assert len(_all(sdk.ats.get_candidates, page_size=250)) == len(truth)


def test_passthrough_refuses_crlf_in_a_header_value_without_echoing_it(junction):
    _sdk(junction)
    status, _, body = _api(junction, "POST", "/passthrough/personio/personnel",
                           body={"method": "GET", "path": "/company/employees",
                                 "headers": {"X-Test": "a\r\nX-Injected: 1"}},
                           headers={"X-Integration-Id": junction.demo_integration_id})
    assert status == 400
    assert body["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert "'headers.X-Test'" in body["error"]["message"] and "X-Injected" not in body["error"]["message"]


@pytest.mark.parametrize("method,path", [("GET", "/_sandbox/faults/log"), ("POST", "/_sandbox/tokens/revoke-all"),
                                         ("POST", "/xml"), ("GET", "/anything")])
def test_jobboard_passthrough_reaches_only_the_feed_and_job_pages(junction, method, path):
    _sdk(junction)
    status, _, body = _api(junction, "POST", "/passthrough/personio/jobboard", body={"method": method, "path": path},
                           headers={"X-Integration-Id": junction.demo_integration_id})
    assert status == 400
    assert body["error"]["code"] == "PLATFORM.INPUT_INVALID"


def test_webhooks_to_internal_addresses_are_refused_by_default(hardened):
    for url in [f"{hardened.sandbox_url}/_sandbox/tokens/revoke-all", "http://localhost:9/x", "http://[::1]:9/x",
                "http://169.254.169.254/latest/meta-data/"]:
        status, _, body = _api(hardened, "POST", "/webhooks", body={"url": url})
        assert status == 400, url
        assert body["error"]["message"].startswith("Field 'url' is not allowed"), body
    assert hardened.query("SELECT COUNT(*) FROM webhook_endpoints") == [["0"]]


def test_connect_page_credential_tests_are_rate_limited_per_link(hardened):
    link = _create_link(hardened)
    statuses = []
    for _ in range(4):
        status, page = _http(link + "/test", dict(GOOD, client_secret="wrong"))
        statuses.append(status)
    other_status, _ = _http(_create_link(hardened) + "/test", dict(GOOD, client_secret="wrong"))
    failed_events = hardened.query("SELECT COUNT(*) FROM webhook_events WHERE type = 'connection-flow-failed'")

    assert statuses == [200, 200, 200, 429]
    assert "Too many tests" in page
    assert other_status == 200  # another link has its own allowance
    assert failed_events == [["4"]]  # three on the first link, one on the second


# Last on the hardened server: afterwards its only client address is locked out for a minute.
def test_wrong_api_keys_are_rate_limited_by_client_address(hardened):
    statuses = [_api(hardened, "GET", "/check-api-key", key=f"jk_guess_{n}_{'0' * 20}")[0] for n in range(6)]
    limited_status, headers, body = _api(hardened, "GET", "/check-api-key")  # the valid key, same address

    assert statuses == [401] * 5 + [429]
    assert limited_status == 429 and int(headers["Retry-After"]) >= 1
    assert body["error"]["code"] == "PLATFORM.RATE_LIMIT_EXCEEDED"


def test_an_activation_token_is_neither_echoed_nor_logged(junction):
    token = "act_probe_" + "x" * 30
    status, _, body = _api(junction, "GET", f"/connect/integration-by-token/{token}")
    logged = junction.query(f"SELECT path, error_message FROM request_log WHERE path LIKE '%integration-by-token%'")

    assert status in (400, 404)
    assert token not in json.dumps(body)
    assert logged and all(token not in " ".join(row) for row in logged)
