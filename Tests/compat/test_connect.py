"""The connect flow, integration management and the custom field explorer through the official
Kombo SDK, with the hosted page driven over plain HTTP as a browser without JavaScript would
(the real-browser version is test_browser.py). Expected values come from the sandbox's ground
truth and its documented credentials, never from Junction's own answers."""
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from kombo import Kombo, errors

from conftest import _start
from support import wait_for_first_sync as _wait_for_first_sync
from support import GOOD, PERSONS_ONLY, RECRUITING, connect as _connect, create_link as _create_link, http_request as _http, integration_fields as _integration_fields, kombo as _sdk

# The sandbox's documented credentials (PersonioSandbox/SandboxConfiguration.swift).
CHECKS = ["token", "recruiting_jobs", "recruiting_candidates", "recruiting_applications", "recruiting_categories",
          "career_feed", "recruiting_api_key", "persons"]


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request):
    """A server of this module's own: connecting adds integrations and custom fields."""
    started = _start(request.param)
    yield started
    started.stop()


def _checks(html):
    return dict(re.findall(r'data-check="([a-z_]+)" data-status="([a-z]+)"', html))


def _ground_truth(server, models):
    with urllib.request.urlopen(f"{server.sandbox_url}/_sandbox/ground-truth?models={models}") as response:
        return json.load(response)


def test_connect_flow_creates_an_integration_that_syncs(server):
    results, token = _connect(server)

    connected = _sdk(server).connect.get_integration_by_token(token=token).data

    assert _checks(results) == {check: "passed" for check in CHECKS}
    assert connected.id.startswith("personio:") and connected.id != server.demo_integration_id
    assert connected.tool == "personio"
    assert connected.end_user_origin_id == "origin-42"
    assert connected.end_user_email == "hr@customer.example"
    assert connected.end_user_organization_name == "Customer GmbH"
    assert connected.setup_status in ("FINAL_SYNC_PENDING", "COMPLETED")
    _wait_for_first_sync(server, connected.id)
    jobs = _sdk(server, connected.id).ats.get_jobs(page_size=250).result.data.results
    truth = _ground_truth(server, "jobs")["jobs"]
    assert sorted(job.remote_id for job in jobs) == sorted(str(job["id"]) for job in truth)
    details = _sdk(server).general.get_integration_details(integration_id=connected.id).data
    assert details.setup_status == "COMPLETED" and details.status == "ACTIVE"
    assert all(model.is_available for model in details.read_models if model.coverage_status == "SUPPORTED")
    # An activation token is single-purpose: an unknown one is a typed not-found.
    with pytest.raises(errors.KomboGeneralError) as raised:
        _sdk(server).connect.get_integration_by_token(token=token + "x")
    assert raised.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"


def test_scope_test_without_the_recruiting_right_shows_the_fix_and_limits_availability(server):
    results, token = _connect(server, PERSONS_ONLY)

    integration_id = _sdk(server).connect.get_integration_by_token(token=token).data.id
    details = _sdk(server).general.get_integration_details(integration_id=integration_id).data

    checks = _checks(results)
    assert {check: checks[check] for check in RECRUITING} == {check: "failed" for check in RECRUITING}
    assert checks["token"] == "passed" and checks["persons"] == "passed"
    assert "personio:recruiting:read" in results and "Settings &gt; Integrations &gt; API credentials" in results
    available = {model.id: model.is_available for model in details.read_models}
    assert available["ats_jobs"] is False and available["ats_candidates"] is False
    assert available["ats_users"] is True


def test_refused_credentials_cannot_continue(server):
    link = _create_link(server, language="de")

    status, results = _http(link + "/test", dict(GOOD, client_secret="wrong"))
    status_source, source = _http(link + "/source")

    assert status == 200
    assert _checks(results)["token"] == "failed"
    assert 'id="continue"' not in results
    assert "Personio hat Client-ID oder Secret abgelehnt" in results
    # Without tested credentials the source step sends the user back to the form.
    assert status_source == 200 and 'name="client_secret"' in source


def test_create_link_refuses_what_junction_cannot_connect(server):
    sdk = _sdk(server)
    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.connect.create_connection_link(end_user_email="a@b.example", end_user_organization_name="X")
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert "integration_category" in raised.value.data.error.message
    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.connect.create_connection_link(end_user_email="a@b.example", end_user_organization_name="X",
                                           integration_category="ATS", integration_tool="greenhouse")
    assert "integration_tool" in raised.value.data.error.message


def test_relink_keeps_the_integration_and_setup_link_reopens_the_source_step(server):
    _, token = _connect(server)
    integration_id = _sdk(server).connect.get_integration_by_token(token=token).data.id
    sdk = _sdk(server)

    relink = sdk.general.create_reconnection_link(integration_id=integration_id, language="de").data.link
    setup = sdk.general.create_setup_link(integration_id=integration_id, link_type="MAGIC_LINK").data.link

    assert relink.startswith(server.base_url + "/connect/") and setup.startswith(server.base_url + "/connect/")
    status, page = _http(relink)
    assert status == 200 and 'lang="de"' in page and 'name="client_secret"' in page
    _http(relink + "/test", GOOD)
    status, done = _http(relink + "/finish", {"channel_id": "250625", "channel_name": "Other channel"})
    relinked = re.search(r'id="activation-token">([^<]+)<', done).group(1)
    assert sdk.connect.get_integration_by_token(token=relinked).data.id == integration_id
    status, page = _http(setup)
    assert status == 200 and 'name="channel_id"' in page and 'value="250625"' in page
    assert 'name="client_secret"' not in page
    # A used link is used up.
    status, _ = _http(relink)
    assert status == 410
    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.general.create_setup_link(integration_id="personio:CBNMt7dSNCzBdnRTx87dev4E", link_type="EMBEDDED")
    assert raised.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"


def test_force_sync_queues_once_per_type(server):
    integration_id = server.demo_integration_id
    _wait_for_first_sync(server, integration_id)
    sdk = _sdk(server, integration_id)

    first = sdk.general.trigger_sync(type_="DELTA").data
    second = sdk.general.trigger_sync(type_="DELTA").data

    assert first.type == "DELTA" and second.type == "DELTA"
    assert second.already_queued is True and second.sync_id == first.sync_id


def test_integration_fields_and_a_custom_field_mapping_reach_the_records(server):
    integration_id = server.demo_integration_id
    _wait_for_first_sync(server, integration_id)
    sdk = _sdk(server)
    fields = _integration_fields(sdk, integration_id, page_size=25)  # small pages, to follow the cursor
    category = next(field for field in fields if field.key == "job.category.name" and field.model == "ats_jobs")
    assert len({field.id for field in fields}) == len(fields)

    enabled = sdk.general.update_integration_field(
        integration_id=integration_id, integration_field_id=category.id, enable_passthrough=True).data
    status, created = _http(server.base_url + "/v1/custom-fields", method="POST", api_key=server.api_key,
                            body=json.dumps({"model": "ats_jobs", "key": "personio_category"}).encode())
    custom_id = json.loads(created)["data"]["id"]
    listed = sdk.general.get_custom_fields(integration_id=integration_id).result.data.results
    mapped = sdk.general.update_custom_field_mapping(
        integration_id=integration_id, custom_field_id=custom_id, integration_field_id=category.id).data

    assert enabled.is_passthrough_enabled is True and enabled.id == category.id
    assert status == 200
    assert [(item.key, item.integration_field) for item in listed if item.id == custom_id] == [("personio_category", None)]
    assert mapped.integration_field.id == category.id and mapped.integration_field.key == "job.category.name"
    truth = _ground_truth(server, "jobs,categories")
    category_names = {str(category["id"]): category["name"] for category in truth["categories"]}
    expected = {str(job["id"]): category_names[str(job["category_id"])] for job in truth["jobs"]}
    jobs = _sdk(server, integration_id).ats.get_jobs(page_size=250).result.data.results
    assert {job.remote_id: job.custom_fields["personio_category"] for job in jobs} == expected
    request = urllib.request.Request(server.base_url + "/v1/ats/jobs?page_size=250", headers={
        "Authorization": f"Bearer {server.api_key}", "X-Integration-Id": integration_id})
    with urllib.request.urlopen(request) as response:
        raw_jobs = json.load(response)["data"]["results"]
    assert {job["remote_id"]: [field["value"] for field in job["integration_fields"]] for job in raw_jobs} == \
        {remote_id: [name] for remote_id, name in expected.items()}

    # Unmapping leaves the key with null; a field of another model is refused with its name.
    sdk.general.update_custom_field_mapping(
        integration_id=integration_id, custom_field_id=custom_id, integration_field_id=None)
    jobs = _sdk(server, integration_id).ats.get_jobs(page_size=5).result.data.results
    assert all(job.custom_fields["personio_category"] is None for job in jobs)
    other_model = next(field for field in fields if field.model == "ats_candidates")
    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.general.update_custom_field_mapping(
            integration_id=integration_id, custom_field_id=custom_id, integration_field_id=other_model.id)
    assert "integration_field_id" in raised.value.data.error.message
