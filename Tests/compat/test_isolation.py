"""Workspaces are isolated: a key of workspace B, sent to every documented operation with the
ids of workspace A's integration, records and settings, reads, changes, syncs and deletes
nothing of A. The operations come from the OpenAPI document, so a new route is covered the day
it is documented."""
import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import _start
from support import wait_for_first_sync as _wait_for_first_sync

DOCUMENT = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "openapi.json")
# Operations that answer about the caller's own workspace only; their answers must not hold A's ids.
WORKSPACE_SCOPED = {"/check-api-key", "/integrations", "/custom-fields", "/webhooks", "/tools/{category}",
                    "/connect/create-link"}


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    started = _start(request.param)
    yield started
    started.stop()


def _cli(server, *args):
    result = subprocess.run([server.binary, *args], env=server.env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip()


def _call(server, key, method, path, integration_id=None, body=None):
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    if integration_id:
        headers["X-Integration-Id"] = integration_id
    data = json.dumps(body).encode() if body is not None else (b"{}" if method in ("POST", "PUT", "PATCH") else None)
    request = urllib.request.Request(server.base_url + "/v1" + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_key_of_another_workspace_reaches_nothing(server):
    a_key, a_integration = server.api_key, server.demo_integration_id
    _wait_for_first_sync(server, a_integration)
    # What A has: records, a field, a custom field mapped to it, a webhook endpoint.
    _, jobs = _call(server, a_key, "GET", "/ats/jobs?page_size=1", a_integration)
    job_id = json.loads(jobs)["data"]["results"][0]["id"]
    _, candidates = _call(server, a_key, "GET", "/ats/candidates?page_size=1", a_integration)
    candidate = json.loads(candidates)["data"]["results"][0]
    _, fields = _call(server, a_key, "GET", f"/integrations/{a_integration}/integration-fields?page_size=2000")
    field_id = next(f["id"] for f in json.loads(fields)["data"]["results"] if f["model"] == "ats_jobs")
    _, custom = _call(server, a_key, "POST", "/custom-fields", body={"model": "ats_jobs", "key": "a_only"})
    custom_id = json.loads(custom)["data"]["id"]
    assert _call(server, a_key, "PUT", f"/integrations/{a_integration}/custom-fields/{custom_id}",
                 body={"integration_field_id": field_id})[0] == 200
    _, hook = _call(server, a_key, "POST", "/webhooks", body={"url": "http://127.0.0.1:9/a"})
    webhook_id = json.loads(hook)["data"]["id"]
    a_ids = {a_integration, job_id, candidate["id"], field_id, custom_id, webhook_id}

    workspace_b = _cli(server, "workspaces", "create", "--name", "Workspace B")
    b_key = _cli(server, "keys", "create", "--workspace", workspace_b, "--name", "b")
    assert _call(server, b_key, "GET", "/check-api-key")[1].count(workspace_b) == 1

    values = {"integration_id": a_integration, "job_id": job_id, "candidate_id": candidate["id"],
              "application_id": candidate["applications"][0]["id"] if candidate["applications"] else "x",
              "integration_field_id": field_id, "custom_field_id": custom_id, "webhook_id": webhook_id,
              "delivery_id": "x", "token": "x", "tool": "personio", "api": "recruiting", "category": "ats"}
    with open(DOCUMENT) as handle:
        document = json.load(handle)
    checked = 0
    for template, operations in document["paths"].items():
        path = template
        for name, value in values.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(value, safe=":"))
        for method in operations:
            status, text = _call(server, b_key, method.upper(), path, a_integration)
            checked += 1
            if template in WORKSPACE_SCOPED:
                assert not any(identifier in text for identifier in a_ids), f"{method} {template} shows A's data"
                continue
            assert status >= 400, f"{method.upper()} {template} answered {status} to workspace B: {text[:300]}"
            assert status != 500 and json.loads(text)["status"] == "error", text
    assert checked >= 50

    # A's things are all still there and unchanged.
    assert _call(server, a_key, "GET", f"/integrations/{a_integration}")[0] == 200
    _, listed = _call(server, a_key, "GET", f"/integrations/{a_integration}/custom-fields")
    mapping = next(item for item in json.loads(listed)["data"]["results"] if item["id"] == custom_id)
    assert mapping["integration_field"]["id"] == field_id
    _, hooks = _call(server, a_key, "GET", "/webhooks")
    assert [item["id"] for item in json.loads(hooks)["data"]["results"]] == [webhook_id]
    _, b_hooks = _call(server, b_key, "GET", "/webhooks")
    assert json.loads(b_hooks)["data"]["results"] == []
    _, field = _call(server, a_key, "GET", f"/integrations/{a_integration}/integration-fields?page_size=2000")
    assert not any(item["is_passthrough_enabled"] for item in json.loads(field)["data"]["results"])

    # The dashboard, signed in as B, shows and changes nothing of A either.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(server.base_url + "/dashboard") as response:  # the form and its pre-session cookie
        sign_in_token = re.search(r'name="sign_in_token" value="([^"]+)"', response.read().decode()).group(1)
    with opener.open(server.base_url + "/dashboard/sign-in",
                     data=urllib.parse.urlencode({"sign_in_token": sign_in_token, "api_key": b_key}).encode()) as response:
        overview = response.read().decode()
    assert "a_only" not in overview
    assert not any(identifier in overview for identifier in a_ids)
    try:
        opener.open(server.base_url + f"/dashboard/integrations/{a_integration}")
        raise AssertionError("B's session opened A's integration page")
    except urllib.error.HTTPError as error:
        assert error.code == 404
