"""The official Kombo SDK reads integration details."""
import json
import urllib.request

import pytest
from kombo import Kombo, errors

from test_jobs import _wait_for_first_sync


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
