"""The official Kombo SDK reads jobs from the demo integration, synced from the Personio sandbox."""
import json
import time
import urllib.error
import urllib.request

from kombo import Kombo
from support import raw_get as _raw, wait_for_first_sync as _wait_for_first_sync


def _sandbox_ground_truth(junction):
    with urllib.request.urlopen(f"http://127.0.0.1:{junction.sandbox_port}/_sandbox/ground-truth?models=jobs") as response:
        return json.load(response)["jobs"]


def test_sdk_pages_through_every_demo_job(junction):
    integration_id = junction.demo_integration_id
    assert integration_id, "junction serve printed no demo integration id"
    _wait_for_first_sync(junction, integration_id)
    truth = _sandbox_ground_truth(junction)
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1", integration_id=integration_id)

    jobs = []
    response = sdk.ats.get_jobs(page_size=7)
    while response is not None:
        jobs.extend(response.result.data.results)
        response = response.next()

    assert len(jobs) == len(truth)
    assert len({job.id for job in jobs}) == len(truth)
    by_remote_id = {job.remote_id: job for job in jobs}
    for expected in truth:
        job = by_remote_id[str(expected["id"])]
        assert job.name == expected["name"]["en"]
        assert job.status == ("OPEN" if expected["published"] else "CLOSED")
        # One posting per language the job's texts are written in (the ground truth says which).
        assert len(job.job_postings) == (len(expected["text_languages"]) if expected["published"] else 0)
        assert job.changed_at is not None and job.remote_deleted_at is None
        for stage in job.stages:
            assert stage.status == "ACTIVE" and stage.remote_id is not None


def test_sdk_reads_screening_question_formats(junction):
    """Every question's `format` parses into its typed SDK variant (a malformed one would
    silently become unset), and select options keep the sandbox catalog's labels."""
    from kombo.models import getatsjobspositiveresponse as models

    integration_id = junction.demo_integration_id
    _wait_for_first_sync(junction, integration_id)
    with urllib.request.urlopen(
        f"http://127.0.0.1:{junction.sandbox_port}/_sandbox/ground-truth?models=attributes"
    ) as response:
        catalog = {attribute["id"]: attribute for attribute in json.load(response)["attributes"]}
    sdk = Kombo(api_key=junction.api_key, server_url=junction.base_url + "/v1", integration_id=integration_id)

    job = sdk.ats.get_jobs(page_size=1).result.data.results[0]

    questions = {question.remote_id: question for question in job.screening_questions}
    # [C] Personio's six system attributes and the message, plus the sandbox's catalog.
    system = ["phone", "location", "birthday", "gender", "available_from", "salary_expectations", "message"]
    assert set(questions) == set(system) | set(catalog)
    assert [question.index for question in job.screening_questions] == list(range(len(questions)))
    expected_variant = {"TEXT": models.FormatText, "DATE": models.FormatDate, "OPTION": models.FormatSingleSelect}
    for remote_id, attribute in catalog.items():
        question = questions[remote_id]
        assert question.title == attribute["label"]
        assert isinstance(question.format_, expected_variant[attribute["type"]]), (remote_id, question.format_)
        if attribute["type"] == "OPTION":
            assert [option.name for option in question.format_.options] == [o["label"] for o in attribute["options"]]
            assert [option.remote_id for option in question.format_.options] == [o["id"] for o in attribute["options"]]
    assert isinstance(questions["birthday"].format_, models.FormatDate)
    assert isinstance(questions["gender"].format_, models.FormatSingleSelect)
    assert isinstance(questions["message"].format_, models.FormatText)
