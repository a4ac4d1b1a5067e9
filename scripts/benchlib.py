"""Helpers the benchmark scripts share: ports, HTTP, and connecting a standalone sandbox to a
`junction serve` through the real connect flow. Not a benchmark itself."""
import json
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def post(url, data, key=None, form=False):
    body = urllib.parse.urlencode(data).encode() if form else json.dumps(data).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded" if form else "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read().decode()


def clean_env(data_dir, key, database_url=None, **extra):
    """The environment for Junction's processes: none of the caller's JUNCTION_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUNCTION_")}
    env.update(JUNCTION_DATA_DIR=data_dir, JUNCTION_API_KEY=key, JUNCTION_LOG_LEVEL="warning", **extra)
    if database_url:
        env["JUNCTION_DATABASE_URL"] = database_url
    return env


def start_sandbox(binary, port, candidates, jobs, limits, env, write_limit=True):
    command = [binary, "sandbox", "--port", str(port), "--candidates", str(candidates), "--jobs", str(jobs),
               "--log-level", "warning"]
    if not limits:
        command.append("--no-rate-limits")
    if not write_limit:
        command.append("--no-write-limit")
    sandbox = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_http(f"http://127.0.0.1:{port}/xml")
    return sandbox


def connect(api, sandbox_base, key):
    """Goes through the connect flow with the sandbox's full-scope credentials; returns the new
    integration's id."""
    link = json.loads(post(api + "/v1/connect/create-link", {
        "end_user_email": "bench@example.org", "end_user_organization_name": "Bench",
        "integration_category": "ATS"}, key))["data"]["link"]
    post(link + "/test", {"client_id": "papi-sandbox-client", "client_secret": "papi-sandbox-secret",
                          "career_subdomain": "acme", "recruiting_api_key": "sandbox-recruiting-api-key",
                          "company_id": "123456"}, form=True)
    done = post(link + "/finish", {"no_channel": "1"}, form=True)
    token = re.search(r'id="activation-token">([^<]+)<', done).group(1)
    request = urllib.request.Request(api + f"/v1/connect/integration-by-token/{token}",
                                     headers={"Authorization": f"Bearer {key}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]["id"]


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def write_json(path, payload):
    if path:
        with open(path, "w") as handle:
            json.dump(payload, handle, indent=2)
