"""Secrets never reach the logs (issue 10). A server at its most verbose level (trace, JSON
lines) goes through the connect flow with real credentials, syncs, registers a webhook, creates
an application and signs in to the dashboard; its whole output is then searched for every secret
it handled. The secrets are known here (the sandbox's documented credentials and the keys this
test made or was handed), never read back from Junction's logs to decide what to look for."""
import json
import re
import time
import urllib.parse
import urllib.request

from conftest import _start
from support import GOOD, connect as _connect, http_request as _http


def _api(server, method, path, integration_id=None, body=None):
    request = urllib.request.Request(server.base_url + "/v1" + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Authorization", f"Bearer {server.api_key}")
    if integration_id:
        request.add_header("X-Integration-Id", integration_id)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_no_secret_reaches_the_logs_at_trace_level():
    server = _start("sqlite", JUNCTION_LOG_LEVEL="trace", JUNCTION_LOG_FORMAT="json")
    try:
        secrets = {"API key": server.api_key, "Personio client secret": GOOD["client_secret"],
                   "Recruiting API key": GOOD["recruiting_api_key"]}

        # Connect: the link's token is in its path; the activation token comes back once.
        results, activation = _connect(server)
        link_token = re.search(r"/connect/([^/\"'?]+)", results)
        assert link_token, "the results page links back to its connect page"
        secrets["activation token"] = activation
        status, body = _api(server, "GET", f"/connect/integration-by-token/{activation}")
        assert status == 200, body
        integration_id = body["data"]["id"]

        # Its first sync, then a write through the Recruiting API key.
        deadline = time.monotonic() + 120
        while True:
            status, jobs = _api(server, "GET", "/ats/jobs?page_size=250&statuses=OPEN", integration_id)
            if status == 200:
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(0.5)
        job = next(j for j in jobs["data"]["results"]
                   if not any(q.get("required") for q in j["screening_questions"]))
        status, created = _api(server, "POST", f"/ats/jobs/{job['id']}/applications", integration_id,
                               {"candidate": {"first_name": "Log", "last_name": "Scan",
                                              "email_address": "log.scan@example.org"}})
        assert status == 200, created

        # A webhook endpoint's signing secret, handed out once.
        status, endpoint = _api(server, "POST", "/webhooks", body={"url": "http://127.0.0.1:9/hook"})
        assert status == 200, endpoint
        secrets["webhook secret"] = endpoint["data"]["secret"]

        # A dashboard session cookie.
        request = urllib.request.Request(server.base_url + "/dashboard/sign-in", method="POST",
                                         data=urllib.parse.urlencode({"api_key": server.api_key}).encode())
        cookie = ""
        try:
            urllib.request.build_opener(NoRedirect).open(request)
        except urllib.error.HTTPError as error:  # the redirect to /dashboard, not followed
            cookie = error.headers.get("Set-Cookie", "")
        session = cookie.split(";", 1)[0].partition("=")[2]
        assert session, f"no session cookie in {cookie!r}"
        secrets["dashboard session"] = session

        time.sleep(1)  # the last lines of the requests above
        server.log.flush()
        with open(server.log.name) as handle:
            log = handle.read()
        # The scan sees a verbose log: trace lines and the requests above are in it.
        assert '"level":"trace"' in log or '"level": "trace"' in log, log[:2000]
        assert "applications" in log
        # The connect link's token is a bearer credential for its page as long as it lives.
        secrets["connect link token"] = link_token.group(1)
        leaked = [name for name, value in secrets.items() if value in log]
        assert not leaked, f"in the log: {leaked}"
    finally:
        server.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
