"""Every read operation of the SDK's `ats` group, driven through the official Kombo SDK against
the demo integration, and compared with the Personio sandbox's ground truth (read over the
sandbox's admin API, never through Junction)."""
import datetime
import json
import re
import time
import urllib.error
import urllib.request

import pytest
from kombo import Kombo
from kombo.errors import KomboAtsError
from support import all_pages as _all, demo_sdk as _sdk, sandbox_admin as _sandbox, truth as _truth


def _latest_stage(application):
    return application["transitions"][-1]["stage"]


def _outcome(application):
    # docs/personio-mapping.md: accepted → HIRED; rejected, withdrawn → DECLINED; else PENDING.
    kind = _latest_stage(application)["kind"]
    return {"accepted": "HIRED", "rejected": "DECLINED", "withdrawn": "DECLINED"}.get(kind, "PENDING")


def test_every_list_reads_every_record(junction):
    sdk = _sdk(junction)
    truth = _truth(junction, "jobs,candidates,applications,categories,persons,tags")

    jobs = _all(sdk.ats.get_jobs)
    candidates = _all(sdk.ats.get_candidates)
    applications = _all(sdk.ats.get_applications)
    stages = _all(sdk.ats.get_application_stages)
    users = _all(sdk.ats.get_users)
    tags = _all(sdk.ats.get_tags)

    assert sorted(j.remote_id for j in jobs) == sorted(str(j["id"]) for j in truth["jobs"])
    assert sorted(c.remote_id for c in candidates) == sorted(str(c["id"]) for c in truth["candidates"])
    assert sorted(a.remote_id for a in applications) == sorted(str(a["id"]) for a in truth["applications"])
    category_stages = [s["id"] for c in truth["categories"] for s in c["stages"]]
    system = ["unassigned", "rejected", "withdrawn", "offer", "accepted"]
    assert sorted(s.remote_id for s in stages) == sorted(system + category_stages)
    assert sorted(u.remote_id for u in users) == sorted(p["id"] for p in truth["persons"])
    assert sorted(t.name for t in tags) == sorted(truth["tags"])
    for records in (jobs, candidates, applications, stages, users, tags):
        assert len({r.id for r in records}) == len(records), "ids are unique across pages"


def test_nested_objects_match_the_ground_truth(junction):
    sdk = _sdk(junction)
    truth = _truth(junction, "jobs,candidates,applications,categories")
    jobs = {j.id: j for j in _all(sdk.ats.get_jobs, page_size=250)}
    stages = {s.id: s for s in _all(sdk.ats.get_application_stages, page_size=250)}
    candidates = {c.remote_id: c for c in _all(sdk.ats.get_candidates, page_size=250)}
    applications = {a.remote_id: a for a in _all(sdk.ats.get_applications, page_size=250)}
    truth_jobs = {str(j["id"]): j for j in truth["jobs"]}
    category_stage_ids = {c["id"]: [s["id"] for s in c["stages"]] for c in truth["categories"]}

    for expected in truth["applications"]:
        application = applications[str(expected["id"])]
        stage = _latest_stage(expected)
        assert application.outcome == _outcome(expected)
        assert application.candidate.remote_id == str(expected["candidate_id"])
        assert application.job.remote_id == str(expected["job_id"])
        assert application.job.name == truth_jobs[str(expected["job_id"])]["name"]["en"]
        assert application.current_stage.remote_id == (stage["id"] or stage["kind"])
        assert application.current_stage.id == application.current_stage_id
        pipeline = category_stage_ids[str(truth_jobs[str(expected["job_id"])]["category_id"])]
        expected_index = pipeline.index(stage["id"]) if stage["id"] in pipeline else None
        assert application.current_stage.index == expected_index

    for expected in truth["candidates"]:
        candidate = candidates[str(expected["id"])]
        assert sorted(a.remote_id for a in candidate.applications) == sorted(str(i) for i in expected["application_ids"])
        assert candidate.tags == []
        for nested in candidate.applications:
            assert nested.job.id in jobs
            assert nested.current_stage is None or nested.current_stage.id in stages


def test_filters_return_what_the_ground_truth_says(junction):
    sdk = _sdk(junction)
    truth = _truth(junction, "jobs,candidates,applications")
    jobs = _all(sdk.ats.get_jobs, page_size=250)
    by_remote = {j.remote_id: j for j in jobs}

    published = {str(j["id"]) for j in truth["jobs"] if j["published"]}
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, statuses=["OPEN"])} == published
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, statuses=["OPEN", "CLOSED"])} == set(by_remote)
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, visibilities=["INTERNAL"])} == set(by_remote) - published
    word = "ENGINEER"
    named = {str(j["id"]) for j in truth["jobs"] if word.lower() in j["name"]["en"].lower()}
    assert named, "the sandbox has engineering jobs"
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, name_contains=word)} == named
    # LIKE's wildcards are matched literally.
    assert _all(sdk.ats.get_jobs, name_contains="%") == [] and _all(sdk.ats.get_jobs, name_contains="_") == []
    some = sorted(by_remote)[:3]
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, remote_ids=some)} == set(some)
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, ids=[by_remote[r].id for r in some], remote_ids=some[:1])} == set(some[:1]), "separate filters AND"
    one = by_remote[sorted(published)[0]]
    assert [j.remote_id for j in _all(sdk.ats.get_jobs, post_url=one.post_url)] == [one.remote_id]
    created = sorted(datetime.datetime.fromisoformat(j["created_at"].replace("Z", "+00:00")) for j in truth["jobs"])
    pivot = created[len(created) // 2]
    day = pivot.replace(hour=0, minute=0, second=0, microsecond=0)
    expected = {str(j["id"]) for j in truth["jobs"]
                if datetime.datetime.fromisoformat(j["created_at"].replace("Z", "+00:00")) >= day}
    assert {j.remote_id for j in _all(sdk.ats.get_jobs, remote_created_after=pivot)} == expected
    # Personio has no job codes: no results, unless unsupported filters are ignored.
    assert _all(sdk.ats.get_jobs, job_codes=["X"]) == []
    assert len(_all(sdk.ats.get_jobs, job_codes=["X"], ignore_unsupported_filters=True)) == len(jobs)

    person = next(c for c in truth["candidates"] if c["email"])
    found = _all(sdk.ats.get_candidates, email=person["email"].upper())
    assert [c.remote_id for c in found] == [str(person["id"])]
    if person["first_name"]:
        by_name = _all(sdk.ats.get_candidates, first_name=person["first_name"].lower(), last_name=person["last_name"].upper())
        assert str(person["id"]) in {c.remote_id for c in by_name}
    job_id = by_remote[str(truth["applications"][0]["job_id"])].id
    applicants = {str(a["candidate_id"]) for a in truth["applications"] if str(a["job_id"]) == str(truth["applications"][0]["job_id"])}
    assert {c.remote_id for c in _all(sdk.ats.get_candidates, job_ids=[job_id])} == applicants

    hired = {str(a["id"]) for a in truth["applications"] if _outcome(a) == "HIRED"}
    declined = {str(a["id"]) for a in truth["applications"] if _outcome(a) == "DECLINED"}
    assert {a.remote_id for a in _all(sdk.ats.get_applications, outcomes=["HIRED"])} == hired
    assert {a.remote_id for a in _all(sdk.ats.get_applications, outcomes=["HIRED", "DECLINED"])} == hired | declined
    for_job = {str(a["id"]) for a in truth["applications"] if str(a["job_id"]) == by_remote[some[0]].remote_id}
    assert {a.remote_id for a in _all(sdk.ats.get_applications, job_ids=[by_remote[some[0]].id])} == for_job
    assert {a.remote_id for a in _all(sdk.ats.get_applications, job_remote_ids=[some[0]])} == for_job
    stage_id = next(a for a in _all(sdk.ats.get_applications, page_size=250)).current_stage_id
    in_stage = _all(sdk.ats.get_applications, current_stage_ids=[stage_id])
    assert in_stage and all(a.current_stage_id == stage_id for a in in_stage)

    users = _all(sdk.ats.get_users)
    assert [u.remote_id for u in _all(sdk.ats.get_users, emails=[users[0].email.upper()])] == [users[0].remote_id]


def test_unavailable_models_say_so(junction):
    sdk = _sdk(junction)
    calls = [
        sdk.ats.get_offers, sdk.ats.get_interviews, sdk.ats.get_notes, sdk.ats.get_ats_scorecards,
        sdk.ats.get_rejection_reasons, sdk.ats.get_roles, sdk.ats.get_ats_attachments,
        lambda: sdk.ats.get_candidate_attachments(candidate_id="x"),
        lambda: sdk.ats.get_application_attachments(application_id="x"),
    ]
    for call in calls:
        with pytest.raises(KomboAtsError) as raised:
            call()
        assert raised.value.data.error.code == "INTEGRATION.MODEL_NOT_AVAILABLE"
        assert "Personio" in raised.value.data.error.message


def test_bad_input_names_the_parameter(junction):
    sdk = _sdk(junction)
    with pytest.raises(KomboAtsError) as raised:
        sdk.ats.get_jobs(statuses=["OPENED"])
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID" and "statuses" in str(raised.value)
    with pytest.raises(KomboAtsError) as raised:
        sdk.ats.get_jobs(page_size=251)
    assert "page_size" in str(raised.value)
    with pytest.raises(KomboAtsError) as raised:
        sdk.ats.get_jobs(cursor="forged")
    assert "cursor" in str(raised.value)


def _settle(junction, attempts=3):
    for _ in range(attempts):
        counts = re.findall(r"(\d+) (?:added|updated|deleted)", junction.sync())
        assert counts, "the sync's summary names what it added, updated and deleted"
        if all(count == "0" for count in counts):
            return
    raise AssertionError(f"{attempts} DELTAs in a row changed something")


def test_updated_after_and_include_deleted_follow_changes(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    truth = _truth(junction, "candidates,jobs,applications")
    # A DELTA re-reads what Personio updated in the 5 minutes before the last run, and dates the
    # rejections among them from their stage histories: real changes, which the first run could
    # not make. The sandbox's newest records were updated a minute before its reference date
    # (midnight UTC), so a server started just after midnight has a few of them. DELTAs until one
    # changes nothing keep those changes out of what this test checks.
    _settle(junction)
    synced = datetime.datetime.now(datetime.timezone.utc)
    assert _all(sdk.ats.get_candidates, updated_after=synced) == []
    renamed = next(c for c in truth["candidates"] if c["first_name"])
    doomed = next(c for c in truth["candidates"] if c["id"] != renamed["id"] and c["application_ids"])
    job = truth["jobs"][0]
    time.sleep(0.01)

    _sandbox(junction, "PATCH", f"candidates/{renamed['id']}", {"last_name": "Renamed"})
    _sandbox(junction, "PATCH", f"jobs/{job['id']}", {"name": "Renamed job"})
    junction.sync()
    changed = _all(sdk.ats.get_candidates, updated_after=synced)
    changed_jobs = _all(sdk.ats.get_jobs, updated_after=synced)

    # The renamed candidate, and every candidate who applied to the renamed job: they embed its
    # name (nested data counts for updated_after).
    of_job = [a for a in truth["applications"] if a["job_id"] == job["id"]]
    assert {c.remote_id for c in changed} == {str(renamed["id"])} | {str(a["candidate_id"]) for a in of_job}
    assert next(c for c in changed if c.remote_id == str(renamed["id"])).last_name == "Renamed"
    assert [j.remote_id for j in changed_jobs] == [str(job["id"])]
    # The candidate's applications moved with it, and the job's applications with the job.
    applications = _all(sdk.ats.get_applications, updated_after=synced)
    assert {a.remote_id for a in applications} == (
        {str(i) for i in renamed["application_ids"]} | {str(a["id"]) for a in of_job})

    _sandbox(junction, "DELETE", f"candidates/{doomed['id']}")
    junction.sync(full=True)
    live = {c.remote_id for c in _all(sdk.ats.get_candidates, page_size=250)}
    everything = {c.remote_id: c for c in _all(sdk.ats.get_candidates, page_size=250, include_deleted=True)}

    assert str(doomed["id"]) not in live
    assert everything[str(doomed["id"])].remote_deleted_at is not None
    assert set(everything) == live | {str(doomed["id"])}
    deleted_applications = {a.remote_id for a in _all(sdk.ats.get_applications, include_deleted=True, page_size=250)
                            if a.remote_deleted_at is not None}
    assert deleted_applications == {str(i) for i in doomed["application_ids"]}


def test_integration_coverage_tells_the_truth(junction):
    """What GET /integrations/{id} calls SUPPORTED can be listed; what it calls UNSUPPORTED says so."""
    sdk = _sdk(junction)
    details = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1").general.get_integration_details(
        integration_id=junction.demo_integration_id).data
    operations = {
        "ats_jobs": sdk.ats.get_jobs, "ats_candidates": sdk.ats.get_candidates,
        "ats_applications": sdk.ats.get_applications, "ats_application_stages": sdk.ats.get_application_stages,
        "ats_users": sdk.ats.get_users, "ats_tags": sdk.ats.get_tags, "ats_offers": sdk.ats.get_offers,
        "ats_interviews": sdk.ats.get_interviews, "ats_notes": sdk.ats.get_notes,
        "ats_scorecards": sdk.ats.get_ats_scorecards, "ats_rejection_reasons": sdk.ats.get_rejection_reasons,
        "ats_roles": sdk.ats.get_roles, "ats_attachments": sdk.ats.get_ats_attachments,
    }
    checked = 0
    for model in details.read_models:
        if model.id not in operations:
            continue  # served nested only (screening questions live in jobs)
        if model.coverage_status == "SUPPORTED":
            assert operations[model.id](page_size=1).result.data.results, model.id
        else:
            with pytest.raises(KomboAtsError) as raised:
                operations[model.id]()
            assert raised.value.data.error.code == "INTEGRATION.MODEL_NOT_AVAILABLE", model.id
        checked += 1
    assert checked == len(operations)


def test_a_query_parameter_a_later_sdk_may_add_is_ignored_and_named_in_a_warning_header(junction):
    sdk = _sdk(junction)
    every = {j.id for j in _all(sdk.ats.get_jobs)}
    request = urllib.request.Request(
        junction.base_url + "/v1/ats/jobs?page_size=250&include_archived_stages=true&statuses=OPEN,CLOSED,DRAFT,ARCHIVED",
        headers={"Authorization": f"Bearer {junction.api_key}", "X-Integration-Id": junction.demo_integration_id})

    with urllib.request.urlopen(request) as response:
        body = json.load(response)
        warnings = response.headers.get_all("Warning")

    assert {j["id"] for j in body["data"]["results"]} == every
    assert warnings == [
        '299 junction "Query parameter \'include_archived_stages\' is not known to this endpoint and was ignored."']
    # A malformed value of a known parameter is still refused, naming it.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(
            junction.base_url + "/v1/ats/jobs?page_size=many",
            headers={"Authorization": f"Bearer {junction.api_key}", "X-Integration-Id": junction.demo_integration_id}))
    assert refused.value.code == 400 and "page_size" in json.load(refused.value)["error"]["message"]
