"""Ways a real customer's Personio differs from the sandbox's defaults (issue 17), flipped on a
running demo sandbox through its admin API and checked through the official SDK."""
import json
import time
import urllib.error
import urllib.request

from support import all_pages as _all, sandbox_admin as _sandbox, demo_sdk as _sdk, truth as _truth


def _details(junction):
    request = urllib.request.Request(
        f"{junction.base_url}/v1/integrations/{junction.demo_integration_id}",
        headers={"Authorization": f"Bearer {junction.api_key}"})
    with urllib.request.urlopen(request) as response:
        return json.load(response)["data"]


def test_with_the_feed_off_a_full_sync_succeeds_and_loses_nothing(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    truth = _truth(junction, "candidates,jobs")
    jobs_before = {j.remote_id: j for j in _all(sdk.ats.get_jobs, page_size=250)}
    edited = truth["candidates"][0]

    _sandbox(junction, "PUT", "features", {"feed": "off"})
    _sandbox(junction, "PATCH", f"candidates/{edited['id']}", {"last_name": "Feedless"})
    output = junction.sync(full=True)
    jobs_after = {j.remote_id: j for j in _all(sdk.ats.get_jobs, page_size=250)}
    candidate = next(c for c in _all(sdk.ats.get_candidates, page_size=250) if c.remote_id == str(edited["id"]))
    warnings = _details(junction)["sync_warnings"]

    assert candidate.last_name == "Feedless"
    assert set(jobs_after) == set(jobs_before) == {str(j["id"]) for j in truth["jobs"]}
    assert all(jobs_after[i].status == jobs_before[i].status for i in jobs_before)
    assert all(jobs_after[i].description == jobs_before[i].description for i in jobs_before)
    assert len(warnings) == 1 and "404" in warnings[0], warnings
    assert "404" in output  # the CLI's summary says it too


def test_jobs_written_in_one_two_or_three_languages_all_get_descriptions(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    _sandbox(junction, "PUT", "features", {"job_languages": "mixed"})
    junction.sync(full=True)
    truth = {str(j["id"]): j for j in _truth(junction, "jobs")["jobs"]}
    jobs = _all(sdk.ats.get_jobs, page_size=250)

    published = [j for j in jobs if truth[j.remote_id]["published"]]
    assert {tuple(truth[j.remote_id]["text_languages"]) for j in published} == {
        ("de",), ("en",), ("de", "en"), ("de", "en", "fr")}
    for job in published:
        languages = truth[job.remote_id]["text_languages"]
        assert job.description, f"job {job.remote_id} written in {languages} has no description"
        assert len(job.job_postings) == len(languages)


def test_the_connect_page_takes_several_career_sites_on_de_and_com(mutable_junction):
    """Legal entities publish on sites of their own, on .de or .com: the page takes a list, tests
    each site, and refuses anything that is not a Personio career site."""
    import re
    from support import GOOD, create_link as _create_link, http_request as _http

    junction = mutable_junction
    link = _create_link(junction)
    status, page = _http(link + "/test", dict(GOOD, career_subdomain="acme.jobs.personio.com, acme-gmbh"))
    feed_checks = re.findall(r'data-check="career_feed" data-status="([a-z]+)"', page)
    refused_status, refused = _http(link + "/test", dict(GOOD, career_subdomain="acme, evil.example.com"))

    assert status == 200
    assert feed_checks == ["passed", "passed"]  # one check per site
    assert "acme.jobs.personio.com" in page and "acme-gmbh.jobs.personio.de" in page
    assert refused_status == 400 and 'id="form-error"' in refused and "jobs.personio.com" in refused


def _call(junction, method, path, body=None):
    request = urllib.request.Request(
        f"{junction.base_url}/v1/integrations/{junction.demo_integration_id}/{path}", method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_career_sites_are_an_integration_setting(mutable_junction):
    """Career sites can change after the connect flow: a list of subdomains or hosts on .de or .com,
    never another address; the sync after a change succeeds. (How several sites' feeds merge is
    JunctionSyncTests' CareerSiteTests.)"""
    junction = mutable_junction
    before_status, before = _call(junction, "GET", "career-sites")
    refused_status, refused = _call(junction, "PUT", "career-sites", ["sandbox", "https://evil.example.com/xml"])
    wrong_shape_status, wrong_shape = _call(junction, "PUT", "career-sites", {"sites": "sandbox"})
    unchanged_status, unchanged = _call(junction, "GET", "career-sites")
    saved_status, saved = _call(
        junction, "PUT", "career-sites", ["sandbox", {"subdomain": "sandbox-gmbh", "domain": "com"}, "sandbox"])
    after_status, after = _call(junction, "GET", "career-sites")
    junction.sync(full=True)
    details = _details(junction)

    assert before_status == 200 and [s["host"] for s in before["data"]] == ["sandbox.jobs.personio.de"]
    assert refused_status == 400 and refused["status"] == "error"
    assert "Career site 1" in refused["error"]["message"] and "jobs.personio.com" in refused["error"]["message"]
    assert wrong_shape_status == 400 and "list of career sites" in wrong_shape["error"]["message"]
    assert unchanged["data"] == before["data"]
    assert saved_status == 200 and after_status == 200
    assert [s["host"] for s in after["data"]] == ["sandbox.jobs.personio.de", "sandbox-gmbh.jobs.personio.com"]
    assert after["data"][1] == {"subdomain": "sandbox-gmbh", "domain": "com", "host": "sandbox-gmbh.jobs.personio.com"}
    assert details["sync_warnings"] == []


def test_applicant_attributes_are_a_setting_the_questions_follow(mutable_junction):
    """Personio has no API for its custom applicant attributes: they are an integration setting,
    checked when saved, and the screening questions follow at the next sync."""
    junction = mutable_junction
    sdk = _sdk(junction)
    status, current = _call(junction, "GET", "applicant-attributes")
    attributes = current["data"]
    removed = attributes[-1]["id"]
    asked_before = {q.remote_id for job in _all(sdk.ats.get_jobs, page_size=250) for q in job.screening_questions}
    bad_status, bad = _call(junction, "PUT", "applicant-attributes", [{"label": "no id"}])
    saved_status, saved = _call(junction, "PUT", "applicant-attributes", attributes[:-1])
    junction.sync()
    asked_after = {q.remote_id for job in _all(sdk.ats.get_jobs, page_size=250) for q in job.screening_questions}

    assert status == 200 and len(attributes) >= 2
    assert removed in asked_before
    assert bad_status == 400 and bad["error"]["code"] == "PLATFORM.INPUT_INVALID"
    assert saved_status == 200 and saved["data"] == attributes[:-1]
    assert removed not in asked_after and asked_after == asked_before - {removed}


def test_screening_questions_describe_themselves_and_required_follows_the_settings(mutable_junction):
    """`description`: the catalog entry's help text where one is configured (Personio's API cannot
    read it), what Personio's API says a system attribute holds, or a choice's option labels;
    `required`: the entry's `required`, on every job that asks the question."""
    junction = mutable_junction
    sdk = _sdk(junction)
    _, current = _call(junction, "GET", "applicant-attributes")
    attributes = current["data"]
    text = next(a for a in attributes if a["type"] == "TEXT")
    choice = next(a for a in attributes if a["type"] == "OPTION")
    changed = [dict(a, description="In weeks, as in your contract.", required=True) if a["id"] == text["id"] else a
               for a in attributes] + [{"id": "phone", "required": True, "description": "Mobile preferred."}]

    status, _ = _call(junction, "PUT", "applicant-attributes", changed)
    junction.sync()

    assert status == 200
    jobs = _all(sdk.ats.get_jobs, page_size=250)
    questions = {q.remote_id: q for job in jobs for q in job.screening_questions}
    assert questions[text["id"]].description == "In weeks, as in your contract."
    assert questions["phone"].description == "Mobile preferred."
    assert questions[choice["id"]].description == "One of: " + ", ".join(o["label"] for o in choice["options"]) + "."
    assert questions["birthday"].description == "The applicant's date of birth."
    for job in jobs:
        asked = {q.remote_id: q for q in job.screening_questions}
        assert asked[text["id"]].required is True and asked["phone"].required is True
        assert asked["birthday"].required is False
        assert asked[text["id"]].description == "In weeks, as in your contract."


def test_a_quiet_delta_reads_no_job_and_still_sees_an_unpublished_one(mutable_junction):
    """Issue 22: a DELTA skips the jobs when nothing they are built from changed (the CLI says
    so, the SDK reads the same jobs); a job unpublished without its updated_at moving changes
    the feed's Last-Modified, and the next DELTA closes it."""
    junction = mutable_junction
    sdk = _sdk(junction)
    _sandbox(junction, "PUT", "features", {"publication_moves_updated_at": False})
    time.sleep(1.1)  # Last-Modified counts whole seconds: Junction trusts it once its second is over
    junction.sync(full=True)
    # A run that could not trust the header (the answer's Date lagging on a loaded machine, say)
    # reads the jobs and vouches for nothing; this DELTA, seconds later, vouches for them.
    junction.sync()
    before = {j.remote_id: j for j in _all(sdk.ats.get_jobs, page_size=250)}

    quiet = junction.sync()
    after_quiet = {j.remote_id: j for j in _all(sdk.ats.get_jobs, page_size=250)}
    unpublished = next(j for j in before.values() if j.status == "OPEN")
    _sandbox(junction, "POST", f"jobs/{unpublished.remote_id}/unpublish")
    time.sleep(1.1)
    changed = junction.sync()
    after_change = {j.remote_id: j for j in _all(sdk.ats.get_jobs, page_size=250)}

    assert "jobs: not read again" in quiet, quiet
    assert after_quiet == before
    assert "jobs: not read again" not in changed, changed
    assert after_change[unpublished.remote_id].status == "CLOSED"
    assert after_change[unpublished.remote_id].remote_updated_at == unpublished.remote_updated_at
