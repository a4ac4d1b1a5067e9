"""Passthrough to Personio's APIs through the official SDK: authenticated by Junction, answered
as Personio answered (compared with the sandbox read directly), and never leaving Personio."""
import base64
import json
import urllib.error
import urllib.request

import pytest
from kombo import Kombo
from kombo.errors import KomboGeneralError

from support import connect, demo_sdk as _sdk, kombo, raw_get, sandbox_request, truth as _truth


def _general(junction):
    _sdk(junction)  # waits for the first sync
    return Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1",
                 integration_id=junction.demo_integration_id).general


def test_each_personio_api_answers_through_passthrough(junction):
    general = _general(junction)
    truth = _truth(junction, "jobs,persons")

    v2 = general.send_passthrough_request(tool="personio", api="recruitingV2", method="GET", path="/jobs",
                                          params={"limit": "5"})
    persons = general.send_passthrough_request(tool="personio", api="personnelv2", method="GET", path="/persons",
                                               params={"limit": "50"})
    employees = general.send_passthrough_request(tool="personio", api="personnel", method="GET",
                                                 path="/company/employees", params={"limit": "10"})
    feed = general.send_passthrough_request(tool="personio", api="jobboard", method="GET", path="/xml",
                                            params={"language": "en"})
    raw = general.send_passthrough_request(tool="personio", api="jobboard", method="GET", path="/xml",
                                           response_as_base64=True)

    assert v2.data.status == 200 and v2.warnings == []
    assert v2.data.url.endswith("/v2/recruiting/jobs?limit=5")
    assert {str(job["id"]) for job in v2.data.data["_data"]} <= {str(job["id"]) for job in truth["jobs"]}
    assert len(v2.data.data["_data"]) == 5
    assert persons.data.status == 200
    assert {p["id"] for p in persons.data.data["_data"]} == {p["id"] for p in truth["persons"]}
    assert employees.data.status == 200 and employees.data.data["success"] is True
    published = [j for j in truth["jobs"] if j["published"]]
    assert feed.data.status == 200 and feed.data.data.count("<position>") == len(published)
    assert base64.b64decode(raw.data.data).decode().count("<position>") == len(published)
    assert "content-type" in v2.data.headers


def test_recruiting_v1_write_goes_through(mutable_junction):
    junction = mutable_junction
    general = _general(junction)
    job = next(j for j in _truth(junction, "jobs")["jobs"] if j["published"])

    upload = general.send_passthrough_request(
        tool="personio", api="recruiting", method="POST", path="/applications/documents",
        multipart_form_data=[{"name": "file", "value": {"name": "cv.pdf", "content_type": "application/pdf",
                                                        "data": base64.b64encode(b"%PDF-1.4 passthrough").decode()}}])
    created = general.send_passthrough_request(
        tool="personio", api="recruiting", method="POST", path="/applications",
        data={"first_name": "Pass", "last_name": "Through", "email": "pass@example.org", "job_position_id": job["id"],
              "files": [{"uuid": upload.data.data["uuid"], "original_filename": "cv.pdf", "category": "cv"}]})

    assert upload.data.status == 200 and upload.data.data["size"] == len(b"%PDF-1.4 passthrough")
    assert created.data.status == 201
    truth = _truth(junction, "candidates,applications")
    candidate = next(c for c in truth["candidates"] if c["email"] == "pass@example.org")
    [application] = [a for a in truth["applications"] if a["candidate_id"] == candidate["id"]]
    assert application["files"][0]["category"] == "cv"


ESCAPES = [
    "https://evil.example/x", "//evil.example/x", "/../v2/persons", "/jobs/../../v1/auth", "/%2e%2e/v1/auth",
    "/%2E%2E%2Fv1", "/jobs%2f..", "/jobs\\..\\x", "/jobs?limit=1#x", "/jobs#x", "/@evil.example", "/jobs%00",
    "jobs", "/jobs /x", "/./jobs", "//evil.example/x?limit=1", "/../v2/persons?limit=1",
]


@pytest.mark.parametrize("path", ESCAPES)
def test_paths_that_could_leave_personio_are_refused(junction, path):
    general = _general(junction)
    with pytest.raises(KomboGeneralError) as raised:
        general.send_passthrough_request(tool="personio", api="recruitingV2", method="GET", path=path)
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert "'path'" in raised.value.data.error.message


@pytest.mark.parametrize("header", ["Host", "X-Forwarded-Host", "Authorization", "X-Company-ID", "Forwarded"])
def test_headers_that_change_host_or_credentials_are_refused(junction, header):
    general = _general(junction)
    with pytest.raises(KomboGeneralError) as raised:
        general.send_passthrough_request(tool="personio", api="recruitingV2", method="GET", path="/jobs",
                                         headers={header: "evil.example"})
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert header in raised.value.data.error.message


def test_unknown_api_and_tool_are_refused(junction):
    general = _general(junction)
    for tool, api in [("personio", "payroll"), ("workday", "recruiting")]:
        with pytest.raises(KomboGeneralError) as raised:
            general.send_passthrough_request(tool=tool, api=api, method="GET", path="/x")
        assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"


def test_a_query_in_the_path_joins_the_params(junction):
    general = _general(junction)

    answer = general.send_passthrough_request(tool="personio", api="recruitingV2", method="GET", path="/jobs?limit=2",
                                              params={"x": "1"})

    assert answer.data.status == 200
    assert answer.data.url.endswith("/v2/recruiting/jobs?limit=2&x=1")
    assert len(answer.data.data["_data"]) == 2


def test_a_field_a_later_sdk_may_add_is_ignored_with_a_warning(junction):
    _sdk(junction)
    request = urllib.request.Request(
        junction.base_url + "/v1/passthrough/personio/recruitingV2", method="POST",
        data=json.dumps({"method": "GET", "path": "/jobs", "params": {"limit": "1"},
                         "retry_policy": {"max_attempts": 3}}).encode(),
        headers={"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json",
                 "X-Integration-Id": junction.demo_integration_id})

    with urllib.request.urlopen(request) as response:
        body = json.load(response)

    assert body["data"]["status"] == 200 and len(body["data"]["data"]["_data"]) == 1
    assert [w["message"] for w in body["warnings"]] == [
        "'retry_policy' is not a field of a passthrough request Junction knows; it was ignored."]


def test_passthrough_answers_during_an_integrations_first_sync(mutable_junction):
    """Passthrough needs credentials, not synced data: it answers while the first sync still runs
    (slowed down here), when the unified reads still say the sync is pending."""
    server = mutable_junction
    _sdk(server)
    sandbox_request(server, "PUT", "/_sandbox/faults",
                    {"rules": [{"path": "/v2/recruiting/candidates", "fault": "latency", "milliseconds": 4000}]})
    try:
        _, token = connect(server)
        integration_id = kombo(server).connect.get_integration_by_token(token=token).data.id

        answer = kombo(server, integration_id).general.send_passthrough_request(
            tool="personio", api="recruitingV2", method="GET", path="/jobs?limit=1")
        read_status, read = raw_get(server, "/v1/ats/jobs?page_size=1", integration_id)
        details = kombo(server).general.get_integration_details(integration_id=integration_id).data
    finally:
        sandbox_request(server, "DELETE", "/_sandbox/faults")

    assert answer.data.status == 200 and len(answer.data.data["_data"]) == 1
    assert read["error"]["code"] == "INTEGRATION.SETUP_SYNC_PENDING", (read_status, read)
    assert details.setup_status != "COMPLETED"
