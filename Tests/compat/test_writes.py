"""Creating applications through the official SDK lands in the Personio sandbox exactly as
Personio stores it (checked against the sandbox's ground truth), is readable at once, and bad
input changes nothing."""
import base64
import concurrent.futures
import hashlib
import http.server
import json
import threading
import urllib.error
import urllib.request

import pytest
from kombo import Kombo
from kombo.errors import KomboAtsError

from support import all_pages as _all, sandbox_admin as _sandbox, demo_sdk as _sdk, truth as _truth
from support import open_job as _open_job, post as _post

COVER_LETTER = b"%PDF-1.4\n% cover letter served over HTTP\n" + bytes(range(256)) * 40
CV = b"%PDF-1.4\n% the CV, sent inline\n" + bytes(range(255, -1, -1)) * 30
NOTE = b"References available on request.\n"


@pytest.fixture(scope="module")
def file_server():
    """Serves COVER_LETTER (and NOTE at /note) over plain HTTP for attachments' data_url."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            # /note: a text file whose bytes show no type; only its Content-Type does.
            body, kind = (NOTE, "text/plain; charset=utf-8") if self.path == "/note" else (COVER_LETTER, "application/pdf")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _question(job, remote_id):
    return next(q for q in job.screening_questions if q.remote_id == remote_id)


def _applications_of(junction, email):
    truth = _truth(junction, "candidates,applications")
    ids = {c["id"] for c in truth["candidates"] if (c["email"] or "").lower() == email.lower()}
    return [a for a in truth["applications"] if a["candidate_id"] in ids]


def test_create_application_lands_in_personio_as_sent(mutable_junction, file_server):
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)
    stage = job.stages[1]
    truth = _truth(junction, "channels,attributes")
    stepstone = next(c for c in truth["channels"] if c["name"] == "StepStone")
    work_permit = _question(job, "custom_attribute_3")
    option = work_permit.format_.options[1]

    created = sdk.ats.create_application(
        job_id=job.id,
        candidate={"first_name": "Ada", "last_name": "Lovelace", "email_address": "ada.lovelace@example.org",
                   "phone_number": "+49 30 1234567", "location": {"country": "DE", "city": "Berlin"},
                   "gender": "FEMALE", "salary_expectations": {"period": "YEAR", "amount": 65000}},
        stage_id=stage.id,
        source={"name": "stepstone"},
        attachments=[
            {"name": "ada-cv.pdf", "type": "CV", "content_type": "application/pdf",
             "data": base64.b64encode(CV).decode()},
            {"name": "cover-letter.pdf", "type": "COVER_LETTER", "data_url": file_server + "/cover.pdf"},
        ],
        screening_question_answers=[
            {"question_id": _question(job, "custom_attribute_1").id, "answer": "Three months"},
            {"question_id": _question(job, "custom_attribute_2").id, "answer": "2027-02-01"},
            {"question_id": work_permit.id, "answer": option.id},
            {"question_id": _question(job, "birthday").id, "answer": "1990-12-10"},
            {"question_id": _question(job, "available_from").id, "answer": "2027-03-01"},
            {"question_id": _question(job, "message").id, "answer": "I would love to join."},
        ],
    )

    data = created.data
    [application] = _applications_of(junction, "ada.lovelace@example.org")
    candidate_truth = next(c for c in _truth(junction, "candidates")["candidates"]
                           if c["id"] == application["candidate_id"])
    # Personio's side, read from the sandbox.
    assert str(application["job_id"]) == job.remote_id
    assert application["channel_id"] == stepstone["id"]
    assert application["transitions"][-1]["stage"]["id"] == stage.remote_id
    assert application["attributes"]["custom_attribute_1"] == "Three months"
    assert application["attributes"]["custom_attribute_2"] == "2027-02-01"
    assert application["attributes"]["custom_attribute_3"] == option.remote_id
    assert application["attributes"]["salary_expectations"] == "65000 per year"
    assert application["message"] == "I would love to join."
    files = {f["category"]: f for f in application["files"]}
    assert set(files) == {"cv", "cover-letter"}
    assert files["cv"]["sha256"] == hashlib.sha256(CV).hexdigest()
    assert files["cv"]["original_filename"] == "ada-cv.pdf"
    assert files["cover-letter"]["sha256"] == hashlib.sha256(COVER_LETTER).hexdigest()
    assert candidate_truth["phone"] == "+49 30 1234567"
    assert candidate_truth["location"] == "Berlin, DE"
    assert candidate_truth["gender"] == "female"
    assert candidate_truth["birthday"] == "1990-12-10"
    assert candidate_truth["available_from"] == "2027-03-01"
    # The response, with the ids reads use.
    assert data.remote_id == str(application["id"])
    assert data.candidate.remote_id == str(application["candidate_id"])
    assert data.current_stage_id == stage.id
    assert data.job.id == job.id
    assert data.candidate.source == "StepStone"
    read = _all(sdk.ats.get_applications, ids=[data.id])
    assert [a.id for a in read] == [data.id] and read[0].candidate.id == data.candidate.id
    found = _all(sdk.ats.get_candidates, email="ADA.LOVELACE@example.org")
    assert [c.id for c in found] == [data.candidate.id]
    # The next sync reconciles rather than duplicates.
    junction.sync(full=True)
    assert [a.id for a in _all(sdk.ats.get_applications, job_ids=[job.id]) if a.candidate.id == data.candidate.id] == [data.id]


def test_create_candidate_with_a_remote_job_id(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)

    created = sdk.ats.create_candidate(
        candidate={"first_name": "Grace", "last_name": "Hopper", "email_address": "grace@example.org"},
        application={"job_id": f"remote:{job.remote_id}"},
        remote_fields={"personio": {"application": {"tags": ["Referral"], "application_date": "2026-11-01"}}})

    [application] = _applications_of(junction, "grace@example.org")
    assert str(application["job_id"]) == job.remote_id
    # remote_fields.personio.application reaches Personio's application object as given.
    assert application["tags"] == ["Referral"]
    assert application["application_date"] == "2026-11-01"
    assert created.data.remote_id == str(application["candidate_id"])
    assert [a.remote_id for a in created.data.applications] == [str(application["id"])]
    assert created.warnings == []


def test_idempotency_key_and_concurrent_duplicates_create_one_application(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)
    body = {"candidate": {"first_name": "Alan", "last_name": "Turing", "email_address": "alan@example.org"}}

    first = _post(junction, f"/ats/jobs/{job.id}/applications", body, key="retry-1")
    again = _post(junction, f"/ats/jobs/{job.id}/applications", body, key="retry-1")
    other = _post(junction, f"/ats/jobs/{job.id}/applications", {**body, "stage_id": "x"}, key="retry-1")

    assert first[0] == 200 and again == first
    assert other[0] == 400 and "Idempotency-Key" in other[1]["error"]["message"]
    assert len(_applications_of(junction, "alan@example.org")) == 1

    # A write that failed before Personio created anything leaves no claim behind: the
    # corrected request goes through at once.
    broken = {"candidate": {"first_name": "Ida", "last_name": "B", "email_address": "ida@example.org"},
              "attachments": [{"name": "cv.pdf", "type": "CV", "data_url": "http://127.0.0.1:9/gone.pdf"}]}
    assert _post(junction, f"/ats/jobs/{job.id}/applications", broken)[0] == 400
    fixed = {**broken, "attachments": [{"name": "cv.pdf", "type": "CV", "content_type": "application/pdf",
                                        "data": base64.b64encode(CV).decode()}]}
    assert _post(junction, f"/ats/jobs/{job.id}/applications", fixed)[0] == 200

    racer = {"candidate": {"first_name": "Kat", "last_name": "Johnson", "email_address": "kat@example.org"}}
    with concurrent.futures.ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda _: _post(junction, f"/ats/jobs/{job.id}/applications", racer), range(5)))
    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) == 1, results
    assert all(body["error"]["code"] == "ATS.APPLICATION_ALREADY_EXISTS" for status, body in results if status != 200)
    assert len(_applications_of(junction, "kat@example.org")) == 1


INVALID = [
    ({"candidate": {"last_name": "X", "email_address": "x@example.org"}}, ["candidate.first_name"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "not-an-email"}},
     ["candidate.email_address"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org",
                    "location": {"country": "Germany"}}}, ["candidate.location.country"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org", "gender": "F"}},
     ["candidate.gender"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"},
      "attachments": [{"name": "cv.pdf", "type": "CV", "data": "JVBERi0x"}]}, ["attachments[0].content_type"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"},
      "attachments": [{"name": "cv.exe", "type": "CV", "content_type": "application/x", "data": "TVo="}]},
     ["attachments[0].name"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"},
      "attachments": [{"name": "cv.pdf", "type": "CV", "data_url": "http://127.0.0.1:9/none.pdf"}]},
     ["attachments[0].data_url"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"}, "stage_id": "nope"},
     ["stage_id"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"},
      "stage_id": "remote:999999"}, ["stage_id"]),
    ({"candidate": {"first_name": "X", "last_name": "X", "email_address": "x@example.org"},
      "attachments": [{"name": "cv", "type": "CV", "content_type": "application/octet-stream", "data": "TVo="}]},
     ["attachments[0].name"]),
    # Every bad field at once: shape and job-level problems together.
    ({"candidate": {"first_name": "", "last_name": "X", "email_address": "x"}, "stage_id": "nope"},
     ["candidate.first_name", "candidate.email_address", "stage_id"]),
]


@pytest.mark.parametrize("body,fields", INVALID)
def test_invalid_input_names_every_field_and_changes_nothing(junction, body, fields):
    sdk = _sdk(junction)
    job = _open_job(sdk)
    before = len(_truth(junction, "applications")["applications"])

    status, answer = _post(junction, f"/ats/jobs/{job.id}/applications", body)

    assert status == 400 and answer["error"]["code"] == "PLATFORM.INPUT_INVALID", answer
    for field in fields:
        assert field in answer["error"]["message"], (field, answer["error"]["message"])
    assert len(_truth(junction, "applications")["applications"]) == before


def test_typed_answers_are_checked_against_their_question(junction):
    sdk = _sdk(junction)
    job = _open_job(sdk)
    base = {"candidate": {"first_name": "X", "last_name": "X", "email_address": "typed@example.org"}}
    # Malformed values of the right kind; a value of the wrong kind is skipped instead (below).
    cases = [
        (_question(job, "custom_attribute_2").id, "next spring"),  # DATE
        (_question(job, "custom_attribute_3").id, "not-an-option"),  # SINGLE_SELECT
    ]
    for question_id, answer in cases:
        status, body = _post(junction, f"/ats/jobs/{job.id}/applications",
                             {**base, "screening_question_answers": [{"question_id": question_id, "answer": answer}]})
        assert status == 400 and "screening_question_answers[0].answer" in body["error"]["message"], body
    assert _applications_of(junction, "typed@example.org") == []


def test_unpublished_job_is_closed_and_actions_personio_lacks_say_so(mutable_junction):
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)
    _sandbox(junction, "POST", f"jobs/{job.remote_id}/unpublish")

    with pytest.raises(KomboAtsError) as raised:
        sdk.ats.create_application(
            job_id=job.id, candidate={"first_name": "Z", "last_name": "Z", "email_address": "z@example.org"})
    assert raised.value.data.error.code == "ATS.JOB_CLOSED"

    application = _all(sdk.ats.get_applications, page_size=1)[0]
    for call in [
        lambda: sdk.ats.move_application_to_stage(application_id=application.id, stage_id="x"),
        lambda: sdk.ats.reject_application(application_id=application.id, rejection_reason_id="x"),
        lambda: sdk.ats.add_application_note(application_id=application.id, content="x", content_type="PLAIN_TEXT"),
        lambda: sdk.ats.add_candidate_tag(candidate_id=application.candidate_id, tag={"name": "x"}),
    ]:
        with pytest.raises(KomboAtsError) as raised:
            call()
        assert raised.value.data.error.code == "INTEGRATION.ACTION_NOT_AVAILABLE"
        assert "Personio" in raised.value.data.error.message


def test_personio_write_limit_answers_429_with_retry_after(mutable_junction):
    """[C] Personio takes 20 writes per minute per company; the 21st waits briefly, then is refused."""
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)
    before = len(_truth(junction, "applications")["applications"])

    answers = [
        _post(junction, f"/ats/jobs/{job.id}/applications",
              {"candidate": {"first_name": "R", "last_name": str(n), "email_address": f"limit{n}@example.org"}})
        for n in range(20)
    ]
    request = urllib.request.Request(
        junction.base_url + f"/v1/ats/jobs/{job.id}/applications", method="POST",
        data=json.dumps({"candidate": {"first_name": "R", "last_name": "21",
                                       "email_address": "limit21@example.org"}}).encode(),
        headers={"Authorization": f"Bearer {junction.api_key}", "Content-Type": "application/json",
                 "X-Integration-Id": junction.demo_integration_id})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)

    assert [status for status, _ in answers] == [200] * 20
    assert refused.value.code == 429
    body = json.load(refused.value)
    assert body["error"]["code"] == "REMOTE.RATE_LIMIT_EXCEEDED"
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 61
    assert len(_truth(junction, "applications")["applications"]) == before + 20


def test_remote_job_and_stage_ids_and_system_stage_names(mutable_junction):
    """Kombo: a job by `remote:` id works without syncing jobs; Personio takes only remote or
    predefined stages. A job created in Personio after the last sync takes an application at
    once, into a custom stage named by its Personio id; another goes to a system stage by name."""
    junction = mutable_junction
    sdk = _sdk(junction)
    assert _sandbox(junction, "POST", "jobs", {"name": "Created after the sync"}) == 201
    new_job = max(j["id"] for j in _truth(junction, "jobs")["jobs"])
    category = _truth(junction, "categories")["categories"][0]
    custom = category["stages"][1]
    assert not any(j.remote_id == str(new_job) for j in _all(sdk.ats.get_jobs)), "the job must be unsynced"

    created = sdk.ats.create_application(
        job_id=f"remote:{new_job}", stage_id=f"remote:{custom['id']}",
        candidate={"first_name": "Remy", "last_name": "Remote", "email_address": "remy@example.org"})
    job = _open_job(sdk)
    by_name = sdk.ats.create_candidate(
        candidate={"first_name": "Olga", "last_name": "Offer", "email_address": "olga@example.org"},
        application={"job_id": job.id, "stage_id": "Offer"})

    [remy] = _applications_of(junction, "remy@example.org")
    assert remy["job_id"] == new_job
    assert remy["transitions"][-1]["stage"]["id"] == custom["id"]
    assert created.data.remote_id == str(remy["id"])
    assert created.data.job_id is not None and created.data.current_stage.remote_id == str(custom["id"])
    [olga] = _applications_of(junction, "olga@example.org")
    assert olga["transitions"][-1]["stage"]["kind"] == "offer"
    assert by_name.data.applications[0].current_stage.name == "Offer"
    # The next sync brings the job under the id the create already answered with.
    junction.sync(full=True)
    assert created.data.job_id in {j.id for j in _all(sdk.ats.get_jobs) if j.remote_id == str(new_job)}


def test_an_unknown_job_remote_id_is_a_404_that_names_it(junction):
    sdk = _sdk(junction)
    with pytest.raises(KomboAtsError) as raised:
        sdk.ats.create_application(
            job_id="remote:987654321",
            candidate={"first_name": "N", "last_name": "N", "email_address": "nobody@example.org"})
    assert raised.value.data.error.code == "PLATFORM.INPUT_INVALID"
    assert "remote:987654321" in raised.value.data.error.message


def test_unknown_questions_fields_and_wrong_kinds_are_warnings_not_refusals(mutable_junction, file_server):
    """Kombo reports a warning for a question the job lacks and does not submit unsupported
    answers; fields a later SDK may add are ignored with a warning. Names without an extension get
    the one their media type shows: the given `content_type`, else the download's."""
    junction = mutable_junction
    sdk = _sdk(junction)
    job = _open_job(sdk)
    foreign = "a-question-of-another-job"
    text_question = _question(job, "custom_attribute_1")
    body = {
        "candidate": {"first_name": "Lena", "last_name": "Lenient", "email_address": "lena@example.org",
                      "pronouns": "she/her"},
        "screening_question_answers": [
            {"question_id": foreign, "answer": "x"},
            {"question_id": text_question.id, "answer": 42},
            {"question_id": _question(job, "custom_attribute_2").id, "answer": "2027-05-01"},
        ],
        "attachments": [
            {"name": "Lena Resume", "type": "CV", "content_type": "application/pdf",
             "data": base64.b64encode(CV).decode()},
            {"name": "references", "type": "OTHER", "data_url": file_server + "/note"},
        ],
        "referral_code": "future-field",
    }

    status, answer = _post(junction, f"/ats/jobs/{job.id}/applications", body)

    assert status == 200, answer
    messages = [w["message"] for w in answer["warnings"]]
    assert any(m.startswith("screening_question_answers[0]") and foreign in m for m in messages), messages
    assert any(m.startswith("screening_question_answers[1].answer is a number") for m in messages), messages
    assert any(m.startswith("referral_code is not a field") for m in messages), messages
    assert any(m.startswith("candidate.pronouns is not a field") for m in messages), messages
    [application] = _applications_of(junction, "lena@example.org")
    assert "custom_attribute_1" not in application["attributes"]
    assert application["attributes"]["custom_attribute_2"] == "2027-05-01"
    files = {f["category"]: f for f in application["files"]}
    assert files["cv"]["original_filename"] == "Lena Resume.pdf"
    assert files["other"]["original_filename"] == "references.txt"
    assert files["other"]["sha256"] == hashlib.sha256(NOTE).hexdigest()
    # The same through the SDK's own model, which parses the warnings.
    created = sdk.ats.create_application(
        job_id=job.id, candidate={"first_name": "Sam", "last_name": "Sdk", "email_address": "sam@example.org"},
        screening_question_answers=[{"question_id": foreign, "answer": "x"}])
    assert [w.message for w in created.warnings][0].startswith("screening_question_answers[0]")
