"""The official Kombo SDK reads integration details."""
import json
import urllib.error
import urllib.request

import pytest
from kombo import Kombo, errors

from support import wait_for_first_sync as _wait_for_first_sync


def test_sdk_reads_the_demo_integration(junction):
    integration_id = junction.demo_integration_id
    _wait_for_first_sync(junction, integration_id)
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1")

    details = sdk.general.get_integration_details(integration_id=integration_id).data

    assert details.id == integration_id
    assert details.tool.id == "personio"
    assert details.category == "ATS"
    assert details.status == "ACTIVE"
    assert details.setup_status == "COMPLETED"
    jobs = next(model for model in details.read_models if model.id == "ats_jobs")
    assert jobs.is_available and jobs.coverage_status == "SUPPORTED"


def test_list_endpoint_holds_the_same_integration(junction):
    request = urllib.request.Request(junction.base_url + "/v1/integrations",
                                     headers={"Authorization": f"Bearer {junction.api_key}"})
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    assert body["status"] == "success"
    assert body["data"]["next"] is None
    assert [item["id"] for item in body["data"]["results"]] == [junction.demo_integration_id]


def test_unknown_integration_is_a_typed_not_found(junction):
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1")
    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.general.get_integration_details(integration_id="personio:CBNMt7dSNCzBdnRTx87dev4E")
    assert raised.value.status_code == 404
    assert raised.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"


def test_disable_enable_and_delete_through_the_sdk(mutable_junction):
    from support import demo_sdk as _sdk

    junction = mutable_junction
    ats = _sdk(junction).ats
    general = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1").general
    integration_id = junction.demo_integration_id

    general.set_integration_enabled(integration_id=integration_id, value=False)
    disabled = general.get_integration_details(integration_id=integration_id).data.status
    with pytest.raises(errors.KomboAtsError) as raised:
        ats.get_jobs()
    inactive_code = raised.value.data.error.code
    general.set_integration_enabled(integration_id=integration_id, value=True)
    enabled = general.get_integration_details(integration_id=integration_id).data.status
    jobs = ats.get_jobs(page_size=1).result.data.results

    assert disabled == "INACTIVE" and inactive_code == "INTEGRATION.INACTIVE"
    assert enabled == "ACTIVE" and len(jobs) == 1

    stored_before = junction.count_records(integration_id)
    general.delete_integration(integration_id=integration_id, body={})
    with pytest.raises(errors.KomboGeneralError) as gone:
        general.get_integration_details(integration_id=integration_id)
    with pytest.raises(errors.KomboAtsError) as reads:
        ats.get_jobs()
    request = urllib.request.Request(junction.base_url + "/v1/integrations",
                                     headers={"Authorization": f"Bearer {junction.api_key}"})
    with urllib.request.urlopen(request) as response:
        listed = json.load(response)["data"]["results"]

    assert gone.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert reads.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"
    assert listed == []
    # Deleted with its data: the store holds no record of it any more.
    assert stored_before > 1000 and junction.count_records(integration_id) == 0


def test_tools_list_personio_with_the_coverage_integrations_report(junction):
    _wait_for_first_sync(junction, junction.demo_integration_id)
    general = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1").general

    tools = general.get_tools(category="ats").data.tools
    hris = general.get_tools(category="hris").data.tools
    details = general.get_integration_details(integration_id=junction.demo_integration_id).data

    assert [tool.id for tool in tools] == ["personio"] and hris == []
    coverage = {model.id: model.coverage_status for model in tools[0].coverage.read_models}
    assert coverage == {model.id: model.coverage_status for model in details.read_models}
    writes = {action.id: action.coverage_status for action in tools[0].coverage.write_actions}
    assert writes["ats_create_application"] == "SUPPORTED" and writes["ats_reject_application"] == "UNSUPPORTED"


def test_tools_list_personios_features_and_a_connection_guide_served_here(junction):
    general = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1").general

    [personio] = general.get_tools(category="ats").data.tools

    features = {feature.id: feature.coverage_status for feature in personio.coverage.features}
    assert features == {feature: "SUPPORTED" for feature in [
        "source_writing", "candidate_source_tracking", "scope_testing", "custom_field_explorer", "connection_guide",
        "passthrough", "sandbox"]}
    assert personio.connection_guide_url == junction.base_url + "/guides/personio"
    pages = {}
    for language in ["en", "de", "fr", "es", "it", "nl"]:
        with urllib.request.urlopen(f"{personio.connection_guide_url}?lang={language}") as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
            pages[language] = response.read().decode()
    # The guide covers prerequisites, creating credentials, the XML feed and the source channel,
    # each in its own language.
    assert all(f'<html lang="{code}">' in page for code, page in pages.items())
    assert "Before you start" in pages["en"] and "Create the credentials" in pages["en"]
    assert "XML feed" in pages["en"] and "Source of new applicants" in pages["en"]
    assert "Voraussetzungen" in pages["de"] and "Zugangsdaten anlegen" in pages["de"]
    assert "XML-Feed" in pages["de"] and "Quelle neuer Bewerbungen" in pages["de"]
    assert len({page.split("<h1>")[1].split("</h1>")[0] for page in pages.values()}) == 6
    with pytest.raises(urllib.error.HTTPError) as unknown:
        urllib.request.urlopen(junction.base_url + "/guides/workday")
    assert unknown.value.code == 404
