"""Authentication faults end to end (issue 10): credentials Personio stops accepting turn the
integration INVALID through the real scheduler, and a relink through the hosted connect page,
with the new credentials, brings it back: ACTIVE, synced, nothing lost."""
import pytest
from kombo import Kombo
from kombo.errors import KomboGeneralError

from conftest import _start
from support import GOOD, http_request as _http
from support import wait_for_first_run_to_end as _wait_for_first_run_to_end, wait_for_first_sync as _wait_for_first_sync
from support import check_store_matches_sandbox as _check_store_matches_sandbox, force_sync as _force_sync, runs as _runs, sandbox_request as _sandbox, wait as _wait


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_refused_credentials_turn_invalid_and_a_relink_recovers(backend):
    server = _start(backend)
    try:
        integration_id = server.demo_integration_id
        _wait_for_first_sync(server, integration_id)
        _wait_for_first_run_to_end(server)
        sdk = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1", integration_id=integration_id)
        # In Personio: the API credentials' secret is rotated, which ends the tokens it issued.
        secret = _sandbox(server, "POST", "/_sandbox/clients/papi-sandbox-client/rotate-secret")["client_secret"]
        _sandbox(server, "POST", "/_sandbox/tokens/revoke-all")

        refused = _force_sync(server)["sync_id"]
        failed = _wait(lambda: next((r for r in _runs(server) if r[0] == refused and r[1] != "RUNNING"), None),
                       "the run with refused credentials")
        invalid = sdk.general.get_integration_details(integration_id=integration_id).data.status
        # A forced sync of an INVALID integration could never run: refused, saying what helps.
        with pytest.raises(KomboGeneralError) as forced:
            sdk.general.trigger_sync(type_="DELTA")
        outage_free = {r[0] for r in _runs(server)}

        link = sdk.general.create_reconnection_link(integration_id=integration_id).data.link
        status, page = _http(link)
        assert status == 200
        status, results = _http(link + "/test", dict(GOOD, client_secret=secret))
        assert status == 200
        status, done = _http(link + "/finish", {"channel_id": "250625", "channel_name": "Other channel"})
        assert status == 200, done
        active = sdk.general.get_integration_details(integration_id=integration_id).data.status
        # The relink queues a run with the new credentials.
        recovered = _wait(lambda: next((r for r in _runs(server) if r[0] not in outage_free and r[1] != "RUNNING"),
                                       None), "the run after the relink")

        assert failed[1] == "FAILED" and "refused the credentials" in failed[2], failed
        assert invalid == "INVALID"
        assert forced.value.status_code == 409 and forced.value.data.error.code == "PLATFORM.INPUT_INVALID"
        assert "relink" in forced.value.data.error.message.lower()
        assert active == "ACTIVE"
        assert recovered[1] == "SUCCEEDED", recovered
        _check_store_matches_sandbox(server)
    finally:
        server.stop()
