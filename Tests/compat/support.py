"""Helpers the compatibility tests share: the sandbox's documented credentials, the connect flow
driven over plain HTTP, SDK clients, the sandbox's admin API and ground truth, and waits. Test
modules import from here, never from each other."""
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from kombo import Kombo
from kombo.errors import KomboAtsError


def raw_get(junction, path, integration_id):
    request = urllib.request.Request(
        junction.base_url + path,
        headers={"Authorization": f"Bearer {junction.api_key}", "X-Integration-Id": integration_id},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_for_first_sync(junction, integration_id):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, body = raw_get(junction, "/v1/ats/jobs?page_size=1", integration_id)
        if status == 200:
            return
        assert body["error"]["code"] == "INTEGRATION.SETUP_SYNC_PENDING", body
        time.sleep(0.2)
    raise AssertionError("the demo integration's first sync did not finish")


GOOD = {"client_id": "papi-sandbox-client", "client_secret": "papi-sandbox-secret",
        "recruiting_api_key": "sandbox-recruiting-api-key", "company_id": "123456", "career_subdomain": "acme"}


PERSONS_ONLY = dict(GOOD, client_id="papi-sandbox-persons-only")


RECRUITING = ["recruiting_jobs", "recruiting_candidates", "recruiting_applications", "recruiting_categories"]


def kombo(server, integration_id=None):
    return Kombo(api_key=server.api_key, server_url=server.base_url + "/v1", integration_id=integration_id)


def http_request(url, form=None, method=None, body=None, api_key=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else body
    request = urllib.request.Request(url, data=data, method=method)
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def create_link(server, **extra):
    return kombo(server).connect.create_connection_link(
        end_user_email="hr@customer.example", end_user_organization_name="Customer GmbH",
        end_user_origin_id="origin-42", integration_category="ATS", **extra).data.link


def connect(server, credentials=GOOD, channel=("250624", "Junction test")):
    """Goes through the page: guide, test, source, finish. Returns the results page and the
    activation token."""
    link = create_link(server)
    status, guide = http_request(link)
    assert status == 200 and "client_secret" in guide
    status, results = http_request(link + "/test", credentials)
    assert status == 200
    status, source = http_request(link + "/source")
    assert status == 200 and 'name="channel_id"' in source
    status, done = http_request(link + "/finish", {"channel_id": channel[0], "channel_name": channel[1]})
    assert status == 200, done
    token = re.search(r'id="activation-token">([^<]+)<', done).group(1)
    return results, token


def integration_fields(sdk, integration_id, page_size=500):
    """Every integration field, following `next` through pages of `page_size`."""
    fields, cursor = [], None
    while True:
        page = sdk.general.get_integration_fields(integration_id=integration_id, page_size=page_size, cursor=cursor)
        fields += page.result.data.results
        cursor = page.result.data.next
        if cursor is None:
            return fields


def truth(junction, models):
    url = f"http://127.0.0.1:{junction.sandbox_port}/_sandbox/ground-truth?models={models}"
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def sandbox_admin(junction, method, path, body=None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{junction.sandbox_port}/_sandbox/{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return response.status


def demo_sdk(junction):
    deadline = time.monotonic() + 60
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1",
                integration_id=junction.demo_integration_id)
    while True:
        try:
            sdk.ats.get_jobs(page_size=1)
            return sdk
        except KomboAtsError as error:
            assert error.data.error.code == "INTEGRATION.SETUP_SYNC_PENDING", error
            assert time.monotonic() < deadline, "the demo's first sync did not finish"
            time.sleep(0.2)


def all_pages(operation, **filters):
    """Every page of a list operation, as the SDK's own iteration reads them."""
    results = []
    response = operation(page_size=filters.pop("page_size", 37), **filters)
    pages = 0
    while response is not None:
        results.extend(response.result.data.results)
        pages += 1
        response = response.next()
    return results


def sandbox_request(server, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.sandbox_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def force_sync(server):
    request = urllib.request.Request(
        server.base_url + "/v1/force-sync", data=b'{"type":"FULL"}', method="POST",
        headers={"Authorization": f"Bearer {server.api_key}", "X-Integration-Id": server.demo_integration_id,
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


def runs(server):
    """(id, status, error) of the demo integration's runs, newest first."""
    return [tuple(row) for row in server.query(
        "SELECT id, status, COALESCE(error, '') FROM sync_runs "
        f"WHERE integration_id = '{server.demo_integration_id}' ORDER BY started_at DESC")]


def wait(predicate, what, timeout=120, explain=None):
    """`predicate`'s first truthy value within `timeout` seconds. On a timeout the error carries
    what `explain()` says of the state it waited on, so a failure in CI can be read afterwards."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}" + (f"\n{explain()}" if explain else ""))


def wait_for_first_run_to_end(server):
    """Waits until the demo's first run has ended. Its data is readable before it has (it still
    counts fields, and records itself finished), and a force-sync meanwhile answers with that
    run's id rather than queueing a new run: a test that forces a run of its own, with a fault
    in place, must not be handed the first one."""
    wait(lambda: runs(server) and all(run[1] != "RUNNING" for run in runs(server)), "the first run to end",
         explain=lambda: sync_state(server))


def sync_state(server):
    """The demo integration's runs, queued requests and queue row, and the server log's tail."""
    integration = server.demo_integration_id
    server.log.flush()
    with open(server.log.name, errors="replace") as log:
        tail = log.read()[-4000:]
    return "\n".join([
        f"runs (id, status, error): {runs(server)}",
        "requests: " + str(server.query(f"SELECT type, sync_id FROM sync_requests WHERE integration_id = '{integration}'")),
        "queue (due, kind, reason, active, lease owner, lease until, now): " + str(server.query(
            "SELECT due_at, due_kind, due_reason, active, lease_owner, lease_until, "
            f"{int(time.time() * 1000)} FROM sync_schedule "
            f"WHERE integration_id = '{integration}'")),
        "server log, last lines:", tail])


def check_store_matches_sandbox(server):
    truth = sandbox_request(server, "GET", "/_sandbox/ground-truth?models=jobs,candidates,applications")
    integration = server.demo_integration_id
    for model in ("jobs", "candidates", "applications"):
        rows = server.query(f"SELECT remote_id, COALESCE(remote_deleted_at, 0) FROM {model} "
                            f"WHERE integration_id = '{integration}'")
        remote_ids = [row[0] for row in rows]
        expected = {str(record["id"]) for record in truth[model]}
        assert len(remote_ids) == len(set(remote_ids)), f"{model}: a record stored twice"
        assert set(remote_ids) == expected, f"{model}: lost {expected - set(remote_ids)}, extra {set(remote_ids) - expected}"
        assert [row for row in rows if row[1] != "0"] == [], f"{model}: marked deleted though present upstream"


def post(junction, path, body, key=None):
    headers = {"Authorization": f"Bearer {junction.api_key}", "X-Integration-Id": junction.demo_integration_id,
               "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(junction.base_url + "/v1" + path, data=json.dumps(body).encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def open_job(sdk):
    return next(j for j in all_pages(sdk.ats.get_jobs, statuses=["OPEN"]) if len(j.stages) >= 2)


class SchemaWalk:
    """Walks live JSON answers beside the OpenAPI schemas that describe them, in both directions:
    keys on the wire no schema names (`undocumented`), objects whose contents no schema
    describes (`free`), and documented keys that never appeared in any answer (`never_seen`,
    except those whose schema says in `x-junction-when` which accounts or runs send them)."""

    def __init__(self, document):
        self.document = document
        self.undocumented = set()
        self.free = set()
        self._documented = {}
        self._seen = {}

    def _resolve(self, schema):
        while isinstance(schema, dict) and "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return schema

    def _variants(self, schema):
        schema = self._resolve(schema)
        for union in ("oneOf", "anyOf"):
            if union in schema:
                return [variant for option in schema[union] for variant in self._variants(option)]
        return [schema]

    @staticmethod
    def _fits(schema, value):
        if "const" in schema:
            return value == schema["const"]
        kinds = schema.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else []
        if not kinds:
            return "enum" not in schema or value in schema["enum"]
        python = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
        for kind in kinds:
            if kind in ("integer", "number"):
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return True
            elif isinstance(value, python[kind]):
                return True
        return False

    def walk(self, schema, value, where):
        fitting = [s for s in self._variants(schema) if self._fits(s, value)]
        if not fitting:
            return  # jsonschema validation reports a value of the wrong shape
        if isinstance(value, dict):
            fitting.sort(key=lambda s: -len(set(value) & set(s.get("properties", {}))))
        schema = fitting[0]
        if isinstance(value, dict):
            properties, extra = schema.get("properties"), schema.get("additionalProperties")
            if properties is None and extra is None:
                if value:
                    self.free.add(where)
                return
            if properties is not None:
                optional = {name for name, item in properties.items()
                            if "x-junction-when" in self._resolve(item) or "x-junction-when" in item}
                self._documented[id(schema)] = (where, set(properties) - optional)
                self._seen.setdefault(id(schema), set()).update(value)
            for key, item in value.items():
                if properties is not None and key in properties:
                    self.walk(properties[key], item, f"{where}.{key}")
                elif isinstance(extra, dict):
                    self.walk(extra, item, f"{where}.*")
                elif extra is not True:
                    self.undocumented.add(f"{where}.{key}")
        elif isinstance(value, list) and "items" in schema:
            for item in value:
                self.walk(schema["items"], item, f"{where}[]")

    @property
    def never_seen(self):
        return {f"{where}.{name}" for key, (where, names) in self._documented.items()
                for name in names - self._seen.get(key, set())}


def minimal_arguments(method):
    """The required keyword arguments of an SDK method, each the simplest value its type allows
    (the SDK validates them before sending), so every operation of a group can be called."""
    import collections.abc
    import datetime
    import inspect
    import typing

    import typing_extensions

    def value(annotation):
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if annotation is str or annotation is typing.Any:
            return "x"
        if annotation is bool:
            return True
        if annotation in (int, float):
            return annotation(1)
        if annotation is datetime.datetime:
            return datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
        if annotation is datetime.date:
            return datetime.date(2026, 1, 1)
        if origin is typing.Literal:
            return args[0]
        if getattr(origin, "__name__", "") in ("Nullable", "OptionalNullable"):
            return None  # the SDK's own aliases for "may be null"
        if origin is typing.Annotated:
            return value(args[0])
        if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
            return value(next(a for a in args if a is not type(None)))
        if origin in (list, collections.abc.Iterable, collections.abc.Sequence):
            return []
        if origin in (dict, collections.abc.Mapping):
            return {}
        if typing_extensions.is_typeddict(annotation):
            hints = typing_extensions.get_type_hints(annotation)
            return {k: value(v) for k, v in hints.items() if k in annotation.__required_keys__}
        if hasattr(annotation, "model_fields"):
            return {k: value(f.annotation) for k, f in annotation.model_fields.items() if f.is_required()}
        raise AssertionError(f"no simple value for {annotation}")

    hints = typing.get_type_hints(method)
    return {name: value(hints[name]) for name, parameter in inspect.signature(method).parameters.items()
            if parameter.default is inspect.Parameter.empty}


def sdk_operations(group):
    """The synchronous operations of an SDK group (`sdk.hris`), by name."""
    import inspect
    return {name: method for name, method in inspect.getmembers(group, inspect.ismethod)
            if not name.startswith("_") and not name.endswith("_async") and name != "do_request"}
