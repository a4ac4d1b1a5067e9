"""Junction's OpenAPI document describes what the server returns: live responses of every
documented operation validate against the document's schemas (which scripts/generate-openapi
derives from the SDK-checked field map, not from Junction's code)."""
import json
import os
import urllib.error
import urllib.request

import jsonschema

from support import SchemaWalk, connect, demo_sdk as _sdk, open_job as _open_job

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


def _call(junction, method, path, body=None, integration=True):
    headers = {"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json"}
    if integration:
        headers["X-Integration-Id"] = junction.demo_integration_id
    request = urllib.request.Request(junction.base_url + "/v1" + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_live_answers_and_the_document_name_the_same_keys(mutable_junction):
    """Both directions, over every documented operation a client can call here: no key on the wire
    the document does not name (remote_data and integration_fields included), no object left
    undescribed, and no documented key that never appears (a key only some accounts or runs send
    says when, and is the only exception)."""
    junction = mutable_junction
    sdk = _sdk(junction)
    # A second run dates rejections from their stage history (remote_data.stage_transitions).
    junction.sync()
    with open(DOCUMENT) as handle:
        document = json.load(handle)
    walk = SchemaWalk(document)
    fields = _call(junction, "GET", f"/integrations/{junction.demo_integration_id}/integration-fields?page_size=5",
                   integration=False)[1]["data"]["results"]
    _call(junction, "PATCH", f"/integrations/{junction.demo_integration_id}/integration-fields/{fields[0]['id']}",
          {"enable_passthrough": True}, integration=False)
    job = _open_job(sdk)
    calls = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            calls.append((path, method, operation))

    def answer(path, method, status, body):
        operation = document["paths"][path][method]
        response = operation["responses"].get(str(status)) or operation["responses"]["default"]
        schema = response["content"]["application/json"]["schema"]
        jsonschema.validate(body, _resolvable(schema, document), cls=jsonschema.Draft202012Validator)
        walk.walk(schema, body, f"{method.upper()} {path} {status}")

    status, created = _call(junction, "POST", "/webhooks", {"url": "http://127.0.0.1:9/round-trip"}, integration=False)
    answer("/webhooks", "post", status, created)
    webhook_id = created["data"]["id"]
    walked = {("/webhooks", "post")}
    for path, method, operation in calls:
        if method != "get" or "{token}" in path:
            continue
        concrete = (path.replace("{integration_id}", junction.demo_integration_id).replace("{category}", "ats")
                    .replace("{webhook_id}", webhook_id).replace("{candidate_id}", "x")
                    .replace("{application_id}", "x"))
        paged = "next" in json.dumps(operation["responses"].get("200", {}))
        sends = any(p["name"] == "X-Integration-Id" for p in operation["parameters"])
        status, body = _call(junction, "GET", concrete + ("?page_size=250&include_deleted=true" if paged else ""),
                             integration=sends)
        answer(path, "get", status, body)
        walked.add((path, "get"))
    # Every other operation, in an order that leaves each one something to act on; deleting the
    # integration comes last.
    integration = f"/integrations/{junction.demo_integration_id}"
    email = {"first_name": "Round", "last_name": "Trip", "email_address": "round.trip@example.org"}
    _, attributes = _call(junction, "GET", integration + "/applicant-attributes", integration=False)
    _, sites = _call(junction, "GET", integration + "/career-sites", integration=False)
    _, token = connect(junction)
    writes = [
        ("/ats/jobs/{job_id}/applications", "post", f"/ats/jobs/{job.id}/applications", {"candidate": email}),
        ("/ats/candidates", "post", "/ats/candidates",
         {"candidate": dict(email, email_address="round.trip.2@example.org"), "application": {"job_id": job.id}}),
        ("/passthrough/{tool}/{api}", "post", "/passthrough/personio/recruitingV2",
         {"method": "GET", "path": "/jobs", "params": {"limit": "1"}}),
        ("/connect/create-link", "post", "/connect/create-link",
         {"end_user_email": "a@b.example", "end_user_organization_name": "A", "integration_category": "ATS",
          "language": "nl"}),
        ("/connect/integration-by-token/{token}", "get", f"/connect/integration-by-token/{token}", None),
        ("/integrations/{integration_id}/relink", "post", integration + "/relink", {"language": "fr"}),
        ("/integrations/{integration_id}/setup-link", "post", integration + "/setup-link", {"link_type": "EMBEDDED"}),
        ("/integrations/{integration_id}/integration-fields/{integration_field_id}", "patch",
         f"{integration}/integration-fields/{fields[1]['id']}", {"enable_passthrough": False}),
        ("/custom-fields", "post", "/custom-fields", {"model": "ats_jobs", "key": "round_trip", "label": "Round trip"}),
    ]
    for documented, method, concrete, body in writes:
        status, answered = _call(junction, method.upper(), concrete, body, integration=concrete.startswith(("/ats", "/pass")))
        assert status == 200, (documented, answered)
        answer(documented, method, status, answered)
        walked.add((documented, method))
        if documented == "/custom-fields":
            custom_id = answered["data"]["id"]
    deliveries = _call(junction, "GET", f"/webhooks/{webhook_id}/deliveries", integration=False)[1]["data"]["results"]
    later = [
        ("/integrations/{integration_id}/custom-fields/{custom_field_id}", "put",
         f"{integration}/custom-fields/{custom_id}", {"integration_field_id": fields[0]["id"]}),
        ("/custom-fields/{custom_field_id}", "delete", f"/custom-fields/{custom_id}", None),
        ("/integrations/{integration_id}/applicant-attributes", "put", integration + "/applicant-attributes",
         attributes["data"]),
        ("/integrations/{integration_id}/career-sites", "put", integration + "/career-sites",
         [site["host"] for site in sites["data"]]),
        ("/integrations/{integration_id}/enabled", "put", integration + "/enabled", {"value": True}),
        ("/force-sync", "post", "/force-sync", {"type": "DELTA"}),
        ("/webhooks/deliveries/{delivery_id}/redeliver", "post",
         f"/webhooks/deliveries/{deliveries[0]['id'] if deliveries else 'none'}/redeliver", None),
        ("/personal-data/erasures", "post", "/personal-data/erasures", {"email": "round.trip@example.org"}),
        ("/webhooks/{webhook_id}", "delete", f"/webhooks/{webhook_id}", None),
    ]
    # Actions Personio lacks answer their documented 403.
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "403" in operation["responses"] and method != "get":
                later.append((path, method, path.replace("{application_id}", "x").replace("{candidate_id}", "x"), {}))
    later.append(("/integrations/{integration_id}", "delete", integration, None))
    for documented, method, concrete, body in later:
        status, answered = _call(junction, method.upper(), concrete, body,
                                 integration=concrete.startswith(("/ats", "/pass", "/force")))
        answer(documented, method, status, answered)
        walked.add((documented, method))

    every = {(path, method) for path, operations in document["paths"].items() for method in operations}
    assert walked == every, sorted(every - walked)
    assert walk.undocumented == set(), sorted(walk.undocumented)
    assert walk.free == set(), sorted(walk.free)
    assert walk.never_seen == set(), sorted(walk.never_seen)
