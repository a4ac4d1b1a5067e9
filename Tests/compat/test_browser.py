"""The hosted connect page and the dashboard in a real browser: headless Chromium from Debian's
packages (scripts/test installs `chromium` and `chromium-driver`), driven through Selenium.

The flow runs from `create-link` (through the official SDK) to a connected, synced sandbox
integration, through the page as an end customer sees it; the dashboard is signed in to and
changed through its forms, and every change is checked through the API."""
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request

import pytest
from kombo import Kombo
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import _start
from support import GOOD, PERSONS_ONLY, RECRUITING, integration_fields as _integration_fields
from support import wait_for_first_sync as _wait_for_first_sync


def _chromium_paths():
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or "/usr/lib/chromium/chromedriver"
    assert browser and os.path.exists(driver), \
        "headless Chromium is needed: Debian packages chromium and chromium-driver (scripts/test installs them)"
    return browser, driver


@pytest.fixture(scope="module")
def server():
    # The pages behave the same on both backends (the store suites cover those); one is enough here.
    started = _start("sqlite")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def browser():
    binary, driver_path = _chromium_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600"):
        options.add_argument(argument)
    profile = tempfile.mkdtemp(prefix="junction-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _fill(browser, values):
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def _go(browser, element):
    """Clicks what submits a form or follows a link, and waits until the next page replaced this one."""
    # A marker on the old page's window object is gone once another document loaded. (Waiting for
    # the old <html> element to go stale raced Chromium: mid-navigation it sometimes answers "Node
    # with given id does not belong to the document" instead of a stale-element error.)
    browser.execute_script("window.__junctionOldPage = true")
    element.click()

    def replaced(b):
        return b.execute_script(
            "return window.__junctionOldPage === undefined && document.readyState === 'complete'")

    WebDriverWait(browser, 15, ignored_exceptions=(WebDriverException,)).until(replaced)


def _until(browser, condition, timeout=15):
    """Waits for a page that a form post replaced (its old elements go stale meanwhile)."""
    return WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,
                                                               NoSuchElementException)).until(condition)


def _checks(browser):
    return {item.get_attribute("data-check"): item.get_attribute("data-status")
            for item in browser.find_elements(By.CSS_SELECTOR, "#checks li")}


def _screenshot(browser, name):
    folder = os.environ.get("JUNCTION_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        browser.save_screenshot(os.path.join(folder, name + ".png"))


def test_connect_page_from_create_link_to_a_synced_integration(server, browser):
    sdk = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1")
    link = sdk.connect.create_connection_link(
        end_user_email="hr@customer.example", end_user_organization_name="Browser GmbH",
        integration_category="ATS").data.link

    browser.get(link)
    _screenshot(browser, "connect-guide")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Connect your Personio account"
    assert "Settings > Integrations > API credentials" in browser.find_element(By.TAG_NAME, "main").text
    assert "Enable XML feed" in browser.find_element(By.TAG_NAME, "main").text

    # Without the recruiting right: the recruiting checks fail, each with its fix.
    _fill(browser, PERSONS_ONLY)
    _go(browser, browser.find_element(By.ID, "test"))
    _screenshot(browser, "connect-results-failed")
    checks = _checks(browser)
    assert {check: checks[check] for check in RECRUITING} == {check: "failed" for check in RECRUITING}
    failed = browser.find_element(By.CSS_SELECTOR, '#checks li[data-check="recruiting_jobs"]').text
    assert "personio:recruiting:read" in failed and "How to fix it" in failed

    # Retry with good credentials: everything passes.
    _go(browser, browser.find_element(By.ID, "retry"))
    _fill(browser, GOOD)
    _go(browser, browser.find_element(By.ID, "test"))
    _screenshot(browser, "connect-results-passed")
    assert set(_checks(browser).values()) == {"passed"}
    _go(browser, browser.find_element(By.ID, "continue"))

    # Source setup, then finish.
    assert "Channels" in browser.find_element(By.TAG_NAME, "main").text
    _fill(browser, {"channel_id": "250624", "channel_name": "Browser test channel"})
    _go(browser, browser.find_element(By.ID, "finish"))
    _screenshot(browser, "connect-done")
    assert browser.find_element(By.ID, "done").text == "Personio is connected"
    token = browser.find_element(By.ID, "activation-token").text

    connected = sdk.connect.get_integration_by_token(token=token).data
    assert connected.end_user_organization_name == "Browser GmbH"
    _wait_for_first_sync(server, connected.id)
    details = sdk.general.get_integration_details(integration_id=connected.id).data
    assert details.setup_status == "COMPLETED"
    with urllib.request.urlopen(f"{server.sandbox_url}/_sandbox/ground-truth?models=jobs") as response:
        truth = json.load(response)["jobs"]
    jobs = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1",
                 integration_id=connected.id).ats.get_jobs(page_size=250).result.data.results
    assert len(jobs) == len(truth)


def test_connect_page_speaks_the_languages_of_personios_markets(server, browser):
    sdk = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1")
    link = sdk.connect.create_connection_link(
        end_user_email="hr@customer.example", end_user_organization_name="Sprach GmbH",
        integration_category="ATS", language="de").data.link

    browser.get(link)
    german = browser.find_element(By.TAG_NAME, "h1").text
    offered = [a.get_attribute("lang") for a in browser.find_elements(By.CSS_SELECTOR, "#languages a")]
    titles = {}
    for code in offered:
        _go(browser, browser.find_element(By.ID, f"lang-{code}"))
        titles[code] = browser.find_element(By.TAG_NAME, "h1").text
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == code

    assert german == "Personio verbinden"
    assert sorted(offered) == ["en", "es", "fr", "it", "nl"]
    assert titles["en"] == "Connect your Personio account"
    # Each language its own words, not English.
    assert len(set(titles.values()) | {german}) == 6


def test_dashboard_shows_runs_and_changes_the_explorer(server, browser):
    integration_id = server.demo_integration_id
    _wait_for_first_sync(server, integration_id)
    sdk = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1")

    browser.get(server.base_url + "/dashboard")
    _fill(browser, {"api_key": "jk_wrong_key_0000000000000"})
    _go(browser, browser.find_element(By.ID, "sign-in"))
    assert "unknown or was revoked" in browser.find_element(By.ID, "form-error").text
    _fill(browser, {"api_key": server.api_key})
    _go(browser, browser.find_element(By.ID, "sign-in"))
    _screenshot(browser, "dashboard")
    row = browser.find_element(By.CSS_SELECTOR, f'#integrations tr[data-integration="{integration_id}"]')
    assert "ACTIVE" in row.text and "COMPLETED" in row.text
    assert row.find_element(By.CSS_SELECTOR, "td.fresh").text.endswith(" ago"), "the data's age is shown"

    # A custom field defined here, then mapped on the integration's page.
    _fill(browser, {"key": "browser_category"})
    Select(browser.find_element(By.ID, "cf-model")).select_by_visible_text("ats_jobs")
    _go(browser, browser.find_element(By.ID, "add-custom-field"))
    _go(browser, browser.find_element(By.LINK_TEXT, integration_id))
    _screenshot(browser, "dashboard-integration")
    runs = browser.find_elements(By.CSS_SELECTOR, "#sync-runs tr[data-run]")
    assert runs and "SUCCEEDED" in runs[-1].text

    toggle = 'table[data-model="ats_jobs"] tr[data-field="job.name"] button'
    _go(browser, browser.find_element(By.CSS_SELECTOR, toggle))
    _until(browser, lambda b: b.find_element(By.CSS_SELECTOR, toggle).text == "On")
    Select(browser.find_element(By.ID, "map-browser_category")).select_by_visible_text("job.category.name")
    _go(browser, browser.find_element(By.ID, "map-browser_category").find_element(By.XPATH, "./following::button[1]"))
    _until(browser, lambda b: Select(b.find_element(By.ID, "map-browser_category")).first_selected_option.text
           == "job.category.name")

    fields = _integration_fields(sdk, integration_id)
    name_field = next(field for field in fields if field.key == "job.name" and field.model == "ats_jobs")
    assert name_field.is_passthrough_enabled is True
    customs = sdk.general.get_custom_fields(integration_id=integration_id).result.data.results
    mapped = next(item for item in customs if item.key == "browser_category")
    assert mapped.integration_field is not None and mapped.integration_field.key == "job.category.name"
    # The button now says the field is on.
    on = browser.find_element(By.CSS_SELECTOR, 'table[data-model="ats_jobs"] tr[data-field="job.name"] button').text
    assert on == "On"
    # Signing out ends the session.
    _go(browser, browser.find_element(By.XPATH, "//nav//button"))
    assert _until(browser, lambda b: b.find_element(By.ID, "api_key"))


def test_error_log_url_opens_the_entry_and_webhooks_are_added_in_the_dashboard(server, browser):
    # A refused request with a valid key carries a log_url; one without a key does not.
    request = urllib.request.Request(server.base_url + "/v1/ats/jobs",
                                     headers={"Authorization": f"Bearer {server.api_key}"})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("the request should have been refused")
    except urllib.error.HTTPError as error:
        envelope = json.load(error)
        request_id = error.headers["X-Request-Id"]
    try:
        urllib.request.urlopen(server.base_url + "/v1/ats/jobs")
    except urllib.error.HTTPError as error:
        assert json.load(error)["error"]["log_url"] is None
    log_url = envelope["error"]["log_url"]
    assert log_url == f"{server.base_url}/dashboard/logs/{request_id}"

    browser.get(server.base_url + "/dashboard")
    if browser.find_elements(By.ID, "api_key"):
        _fill(browser, {"api_key": server.api_key})
        _go(browser, browser.find_element(By.ID, "sign-in"))
    _until(browser, lambda b: b.find_element(By.ID, "integrations"))
    browser.get(log_url)
    assert browser.find_element(By.ID, "log-message").text == envelope["error"]["message"]
    assert "X-Integration-Id" in envelope["error"]["message"]

    browser.get(server.base_url + "/dashboard")
    _fill(browser, {"url": "http://127.0.0.1:9/hooks"})
    _go(browser, browser.find_element(By.ID, "add-webhook"))
    secret = _until(browser, lambda b: b.find_element(By.ID, "webhook-secret").text)
    listed = urllib.request.Request(server.base_url + "/v1/webhooks",
                                    headers={"Authorization": f"Bearer {server.api_key}"})
    with urllib.request.urlopen(listed) as response:
        endpoints = json.load(response)["data"]["results"]
    assert secret.startswith("whsec_")
    assert [endpoint["url"] for endpoint in endpoints] == ["http://127.0.0.1:9/hooks"]
    assert all("secret" not in endpoint for endpoint in endpoints)


@pytest.fixture(params=["sqlite", "postgres"])
def either_backend(request):
    """A server of its own on each backend, for the one flow the issue asks to see on both."""
    started = _start(request.param)
    yield started
    started.stop()


def test_a_link_for_kombos_sandbox_tool_connects_the_sandbox_this_server_runs(either_backend, browser):
    """Kombo's `sandbox` tool: the whole connect flow without a Personio account. The page says
    what it connects to and has the sandbox's credentials filled in; the integration it makes
    syncs the sandbox's data."""
    server = either_backend
    sdk = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1")
    link = sdk.connect.create_connection_link(
        end_user_email="trial@customer.example", end_user_organization_name="Sandbox Trial GmbH",
        integration_category="ATS", integration_tool="sandbox").data.link

    browser.get(link)
    _screenshot(browser, "connect-sandbox")
    assert "Personio sandbox this server runs" in browser.find_element(By.TAG_NAME, "main").text
    assert browser.find_element(By.NAME, "client_id").get_attribute("value") == GOOD["client_id"]
    _go(browser, browser.find_element(By.ID, "test"))
    assert set(_checks(browser).values()) == {"passed"}
    _go(browser, browser.find_element(By.ID, "continue"))
    _go(browser, browser.find_element(By.ID, "finish"))
    token = browser.find_element(By.ID, "activation-token").text

    connected = sdk.connect.get_integration_by_token(token=token).data
    assert connected.end_user_organization_name == "Sandbox Trial GmbH" and connected.tool == "personio"
    _wait_for_first_sync(server, connected.id)
    with urllib.request.urlopen(f"{server.sandbox_url}/_sandbox/ground-truth?models=jobs") as response:
        truth = json.load(response)["jobs"]
    jobs = Kombo(api_key=server.api_key, server_url=server.base_url + "/v1",
                 integration_id=connected.id).ats.get_jobs(page_size=250).result.data.results
    assert sorted(j.remote_id for j in jobs) == sorted(str(j["id"]) for j in truth)


def test_a_sandbox_link_needs_a_server_that_runs_a_sandbox():
    without_demo = _start("sqlite", JUNCTION_DEMO="false")
    try:
        request = urllib.request.Request(
            without_demo.base_url + "/v1/connect/create-link", method="POST",
            data=json.dumps({"end_user_email": "a@b.example", "end_user_organization_name": "A",
                             "integration_category": "ATS", "integration_tool": "sandbox"}).encode(),
            headers={"Authorization": f"Bearer {without_demo.api_key}", "Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
        body = json.load(refused.value)
        assert refused.value.code == 400 and body["error"]["code"] == "PLATFORM.INPUT_INVALID"
        assert "runs no sandbox" in body["error"]["message"]
    finally:
        without_demo.stop()
