"""Junction's OpenAPI document describes what the server returns: live responses of every
documented operation validate against the document's schemas (which scripts/generate-openapi
derives from the SDK-checked field map, not from Junction's code)."""
import json
import os
import urllib.error
import urllib.request

import jsonschema

from support import demo_sdk as _sdk

DOCUMENT = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "openapi.json")


def _get(junction, path, integration=True):
    headers = {"Authorization": f"Bearer {junction.api_key}"}
    if integration:
        headers["X-Integration-Id"] = junction.demo_integration_id
    request = urllib.request.Request(junction.base_url + "/v1" + path, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _webhook(junction):
    """An endpoint to list deliveries of (nothing listens there; no test counts its deliveries)."""
    request = urllib.request.Request(
        junction.base_url + "/v1/webhooks", data=json.dumps({"url": "http://127.0.0.1:9/openapi"}).encode(),
        method="POST", headers={"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]["id"]


def _resolvable(schema, document):
    """An operation's schema with the document's shared shapes beside it, so its
    `#/components/schemas/…` references resolve."""
    return dict(schema, components=document["components"])


def test_served_document_is_the_committed_one(junction):
    with urllib.request.urlopen(junction.base_url + "/v1/openapi.json") as response:
        served = json.load(response)
    with open(DOCUMENT) as handle:
        committed = json.load(handle)
    assert served == committed
    assert served["openapi"].startswith("3.1")


def test_every_operation_answers_as_documented(junction):
    _sdk(junction)  # waits for the first sync
    with open(DOCUMENT) as handle:
        document = json.load(handle)
    webhook_id = _webhook(junction)
    checked = skipped = 0
    for path, operations in document["paths"].items():
        if "get" not in operations:
            continue  # writes are checked below and in test_writes.py
        if "{token}" in path:
            skipped += 1
            continue  # an activation token comes from a finished flow: test_connect.py checks it
        operation = operations["get"]
        concrete = path.replace("{integration_id}", junction.demo_integration_id)
        concrete = concrete.replace("{candidate_id}", "x").replace("{application_id}", "x")
        concrete = concrete.replace("{category}", "ats").replace("{webhook_id}", webhook_id)
        sends_integration = any(p["name"] == "X-Integration-Id" for p in operation["parameters"])
        status, body = _get(junction, concrete + ("?page_size=250" if "next" in json.dumps(
            operation["responses"].get("200", {})) else ""), integration=sends_integration)
        response = operation["responses"].get(str(status)) or operation["responses"]["default"]
        assert str(status) in operation["responses"], f"{path} answered {status}, which the document does not list"
        schema = response["content"]["application/json"]["schema"]
        jsonschema.validate(body, _resolvable(schema, document), cls=jsonschema.Draft202012Validator)
        checked += 1
    assert checked + skipped == sum(1 for operations in document["paths"].values() if "get" in operations)
    assert skipped == 1


def test_write_answers_match_the_document(mutable_junction):
    """A created application, and a refused one, validate against the document."""
    junction = mutable_junction
    sdk = _sdk(junction)
    with open(DOCUMENT) as handle:
        document = json.load(handle)
    operation = document["paths"]["/ats/jobs/{job_id}/applications"]["post"]
    job = next(j for j in sdk.ats.get_jobs(statuses=["OPEN"], page_size=1).result.data.results)
    body = {"candidate": {"first_name": "Open", "last_name": "Api", "email_address": "openapi@example.org"}}
    jsonschema.validate(body, _resolvable(operation["requestBody"]["content"]["application/json"]["schema"], document),
                        cls=jsonschema.Draft202012Validator)

    for payload, status in [(body, 200), ({"candidate": {}}, 400)]:
        request = urllib.request.Request(
            junction.base_url + f"/v1/ats/jobs/{job.id}/applications", data=json.dumps(payload).encode(),
            method="POST", headers={"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json",
                                    "X-Integration-Id": junction.demo_integration_id})
        try:
            with urllib.request.urlopen(request) as response:
                answer, code = json.load(response), response.status
        except urllib.error.HTTPError as error:
            answer, code = json.load(error), error.code
        assert code == status, answer
        schema = (operation["responses"].get(str(code)) or operation["responses"]["default"])
        jsonschema.validate(answer, _resolvable(schema["content"]["application/json"]["schema"], document),
                            cls=jsonschema.Draft202012Validator)
