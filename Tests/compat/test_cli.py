"""The `junction` command line, run as a user would: first start, key management."""
import os
import subprocess
import tempfile
import urllib.error
import urllib.request

from conftest import JunctionServer


def _junction(data_dir, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUNCTION_")}
    env.update(JUNCTION_DATA_DIR=data_dir, JUNCTION_LOG_LEVEL="error")
    return subprocess.run([os.environ["JUNCTION_BIN"], *args], env=env, capture_output=True, text=True, check=True)


def _status(base_url, key):
    request = urllib.request.Request(base_url + "/v1/check-api-key", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_keys_create_list_revoke_against_a_running_server():
    server = JunctionServer(None)
    try:
        created = _junction(server.data_dir, "keys", "create", "--name", "from-cli")
        key = created.stdout.strip()
        assert key.startswith("jk_") and len(key) == 43

        listing = _junction(server.data_dir, "keys", "list").stdout
        row = next(line for line in listing.splitlines() if "from-cli" in line)
        key_id = row.split("\t")[0]
        assert key[:8] in row and "active" in row
        assert key not in listing, "the list must never show a key"

        assert _status(server.base_url, key) == 200
        _junction(server.data_dir, "keys", "revoke", key_id)
        assert _status(server.base_url, key) == 401
        assert "revoked" in _junction(server.data_dir, "keys", "list").stdout
    finally:
        server.stop()


def test_migrate_on_a_fresh_folder_reports_the_schema_version():
    with tempfile.TemporaryDirectory() as data_dir:
        first = _junction(data_dir, "migrate").stdout
        second = _junction(data_dir, "migrate").stdout

    assert first.startswith("Applied migrations 1, 2, 3")
    assert second.startswith("Schema is up to date at version")
