import Foundation
import HTTPTypes
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

/// A write plans with the job's form this instance kept from an earlier write, without reading
/// the job (issue 22); its claim checks that the stored job is still at that version. These
/// writes change the stored job between two writes behind the kept form's back, as a sync (of
/// this instance or another) does, and expect each answer the job as stored calls for.
@Suite("A write's kept job form")
struct KeptJobFormTests {
    @Test(
        "a write planned with a kept form follows the stored job: a question added, taken away, the job deleted",
        arguments: Backend.allCases)
    func followsStoredJob(backend: Backend) async throws {
        try await PersonioRouteTests.withConnectedServer(backend: backend) { api, sandbox, integrationID, store in
            let headers = PersonioRouteTests.headers(integrationID)
            let published = try await PersonioRouteTests.publishedJobs(sandbox)
            let records = store.records
            let jobs = try await records.list(
                Job.self, integrationID: integrationID, filter: RecordFilter(), after: nil, limit: 100
            ).items
            var job = try #require(jobs.first { published.contains($0.remoteID) })
            // Without questions, so that the sandbox takes an application with no answers.
            job.screeningQuestions = []
            try await records.saveJobs([job], integrationID: integrationID)
            var asking = job
            let question = ScreeningQuestion(
                id: "kept-form-question", remoteID: "kept-form-question", title: "Added after the first write",
                format: .text(displayType: "SINGLE_LINE", maxLength: nil))
            asking.screeningQuestions = [JobScreeningQuestion(question, index: 0, required: true)]
            func apply(_ number: Int) async throws -> (status: HTTPResponse.Status, message: String) {
                let body =
                    #"{"candidate":{"first_name":"Kept","last_name":"Form \#(number)","email_address":"kept.form.\#(number)@example.org"}}"#
                let response = try await api.execute(
                    uri: "/v1/ats/jobs/\(job.id)/applications", method: .post, headers: headers,
                    body: ByteBuffer(string: body))
                let message = response.status == .ok ? "" : try response.envelopeError().message
                return (response.status, message)
            }

            // Keeps the form without questions.
            let first = try await apply(1)
            try await records.saveJobs([asking], integrationID: integrationID)
            // Planned with the kept form it would pass; the stored job asks the question.
            let unanswered = try await apply(2)
            try await records.saveJobs([job], integrationID: integrationID)
            // The form kept now asks the question; the stored job does not any more.
            let afterRemoval = try await apply(3)
            try await records.markJobsDeleted(ids: [job.id], integrationID: integrationID)
            let afterDeletion = try await apply(4)

            #expect(first.status == .ok, "\(first.message)")
            #expect(unanswered.status == .badRequest)
            #expect(unanswered.message.contains("question 'kept-form-question'"), "\(unanswered.message)")
            #expect(afterRemoval.status == .ok, "\(afterRemoval.message)")
            #expect(afterDeletion.status == .notFound)
            #expect(afterDeletion.message.contains("No job '\(job.id)'"), "\(afterDeletion.message)")
            // What reached the sandbox: the two writes that were answered 200, and no other.
            let truth = try PersonioRouteTests.object(try await PersonioRouteTests.truth(sandbox, "candidates"))
            let emails = Set(
                (truth["candidates"] as? [[String: Any]] ?? []).compactMap { $0["email"] as? String }.filter {
                    $0.hasPrefix("kept.form.")
                })
            #expect(emails == ["kept.form.1@example.org", "kept.form.3@example.org"])
        }
    }
}
