"""Schemathesis checks of Junction's own contract, loaded by test_fuzz.py (SCHEMATHESIS_HOOKS)."""
import schemathesis


@schemathesis.check
def unified_error_envelope(ctx, response, case):
    """Every 4xx is the unified error envelope with a stable code and a message."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except Exception as error:  # noqa: BLE001 - any unreadable body is the failure
        raise AssertionError(f"{response.status_code} without a JSON body: {error}")
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(body, dict) and body.get("status") == "error" and isinstance(error, dict), \
        f"{response.status_code} outside the error envelope: {body!r:.300}"
    assert isinstance(error.get("code"), str) and "." in error["code"], f"no stable code: {error!r:.300}"
    assert isinstance(error.get("message"), str) and error["message"].strip(), f"no message: {error!r:.300}"
    return None
