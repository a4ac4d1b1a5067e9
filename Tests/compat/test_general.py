"""The official Kombo SDK (kombo==1.4.0) against Junction's general endpoints."""
import json
import urllib.request

import pytest
from kombo import Kombo, errors

from support import minimal_arguments, sdk_operations


def test_check_api_key_returns_the_workspace_id(junction):
    # The expected id comes from a raw HTTP call, not from the SDK under test.
    request = urllib.request.Request(
        junction.base_url + "/v1/check-api-key", headers={"Authorization": f"Bearer {junction.api_key}"}
    )
    with urllib.request.urlopen(request) as response:
        raw = json.load(response)
    assert raw["status"] == "success"
    expected = raw["data"]["environment_id"]
    assert len(expected) == 24

    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1")
    result = sdk.general.check_api_key()

    assert result.data.environment_id == expected


def test_wrong_key_raises_the_typed_authentication_error(junction):
    sdk = Kombo(api_key="jk_this_key_does_not_exist_000000", server_url=junction.base_url + "/v1")

    with pytest.raises(errors.KomboGeneralError) as raised:
        sdk.general.check_api_key()

    assert raised.value.status_code == 401
    assert raised.value.data.error.code == "PLATFORM.AUTHENTICATION_INVALID"
    assert "API key" in raised.value.data.error.message


def test_jobs_without_integration_header_raises_the_typed_ats_error(junction):
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1")

    with pytest.raises(errors.KomboAtsError) as raised:
        sdk.ats.get_jobs()

    assert raised.value.status_code == 400
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert "X-Integration-Id" in raised.value.data.error.message


def test_unknown_integration_raises_integration_not_found(junction):
    sdk = Kombo(
        api_key=junction.api_key,
        server_url=junction.base_url + "/v1",
        integration_id="personio:CBNMt7dSNCzBdnRTx87dev4E",
    )

    with pytest.raises(errors.KomboAtsError) as raised:
        sdk.ats.get_jobs()

    assert raised.value.status_code == 404
    assert raised.value.data.error.code == "PLATFORM.INTEGRATION_NOT_FOUND"


def test_hris_and_assessment_calls_answer_a_typed_model_not_available(junction):
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1",
                integration_id=junction.demo_integration_id)

    with pytest.raises(errors.KomboHrisError) as hris:
        sdk.hris.get_employees()
    with pytest.raises(errors.KomboAtsError) as packages:
        sdk.assessment.get_packages()
    with pytest.raises(errors.KomboAtsError) as orders:
        sdk.assessment.get_assessment_orders()

    for raised, path in ((hris, "/v1/hris/employees"), (packages, "/v1/assessment/packages"),
                         (orders, "/v1/assessment/orders")):
        assert raised.value.data.error.code == "INTEGRATION.MODEL_NOT_AVAILABLE"
        assert f"GET {path} is an" in raised.value.data.error.message


def test_every_hris_and_assessment_operation_of_the_sdk_answers_model_not_available(junction):
    """Each of the SDK's HRIS and assessment operations (called with the simplest arguments the SDK
    accepts) raises the SDK's typed error for its class, with INTEGRATION.MODEL_NOT_AVAILABLE:
    Junction connects ATS integrations only."""
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1",
                integration_id=junction.demo_integration_id)
    called = {}
    for group, error in (("hris", errors.KomboHrisError), ("assessment", errors.KomboAtsError)):
        for name, operation in sdk_operations(getattr(sdk, group)).items():
            with pytest.raises(error) as raised:
                operation(**minimal_arguments(operation))
            called[f"{group}.{name}"] = raised.value.data.error.code

    assert len([name for name in called if name.startswith("hris.")]) >= 20
    assert len([name for name in called if name.startswith("assessment.")]) >= 4
    assert set(called.values()) == {"INTEGRATION.MODEL_NOT_AVAILABLE"}, called
