import Foundation
import Hummingbird
import HummingbirdTesting
import JunctionModel
import JunctionStore
import JunctionSync
import JunctionTestSupport
import PersonioSandbox
import Testing

/// A FULL sync of the sandbox at its default size, compared with the sandbox's ground truth
/// model by model, field by field. Expected values are computed here from the ground truth and
/// the rules in `docs/personio-mapping.md`, never read back from the mapper under test.
@Suite("FULL sync at the sandbox's default size matches its ground truth", .freshDatabases)
struct GroundTruthTests {
    typealias Object = [String: Any]

    static func truth(_ sandbox: any TestClientProtocol) async throws -> Object {
        try await sandbox.execute(uri: "/_sandbox/ground-truth", method: .get) { response in
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? Object)
        }
    }

    static func date(_ text: Any?) -> Date? {
        (text as? String).flatMap { try? Date($0, strategy: .iso8601) }
    }

    /// docs/personio-mapping.md, "Jobs": employment type from the feed's type and schedule.
    static func employmentType(_ type: String?, schedule: String?) -> String? {
        switch (type, schedule) {
        case ("intern", _), ("trainee", _): "INTERNSHIP"
        case ("freelance", _): "CONTRACT"
        case ("temporary", _): "SEASONAL"
        case ("working_student", _): "PART_TIME"
        case ("permanent", "part-time"): "PART_TIME"
        case ("permanent", _): "FULL_TIME"
        case (_, "part-time"): "PART_TIME"
        case (_, "full-time"): "FULL_TIME"
        default: nil
        }
    }

    @Test("every job, stage, question, user, candidate and application", arguments: Backend.allCases)
    func matches(backend: Backend) async throws {
        try await JobSyncTests.withSandboxAndStore(backend, configuration: SandboxConfiguration()) { sandbox, sync in
            let truth = try await Self.truth(sandbox)
            try await QuestionSyncTests.configure(
                sync,
                [
                    "applicant_attributes": try JSONDecoder().decode(
                        JSONValue.self, from: JSONSerialization.data(withJSONObject: truth["attributes"] ?? []))
                ])

            let run = try await sync.run()
            let store = sync.seeded.store
            let integrationID = sync.integrationID
            let id = { (model: String, remote: Any) in
                Identifier.record(integrationID: integrationID, model: model, remoteID: "\(remote)")
            }
            let jobs = try await sync.jobs()
            let candidates = try await store.records.records(
                Candidate.self, integrationID: integrationID, limit: 100_000
            ).items
            let applications = try await store.records.records(
                Application.self, integrationID: integrationID, limit: 100_000
            )
            .items
            let stages = try await store.records.applicationStages(integrationID: integrationID, limit: 1000).items
            let users = try await store.records.records(User.self, integrationID: integrationID, limit: 1000).items

            let truthJobs = try #require(truth["jobs"] as? [Object])
            let truthCandidates = try #require(truth["candidates"] as? [Object])
            let truthApplications = try #require(truth["applications"] as? [Object])
            let categories = try #require(truth["categories"] as? [Object])
            let persons = try #require(truth["persons"] as? [Object])
            let channels = Dictionary(
                uniqueKeysWithValues: try #require(truth["channels"] as? [Object]).map {
                    ($0["id"] as? Int ?? 0, $0["name"] as? String)
                })
            #expect(run.status == .succeeded, "\(run.error ?? "")")
            #expect(truthJobs.count == SandboxConfiguration().jobs, "the default size")
            #expect(run.stats.added["jobs"] == truthJobs.count)
            #expect(run.stats.added["candidates"] == truthCandidates.count)
            #expect(run.stats.added["applications"] == truthApplications.count)
            #expect(run.stats.added["users"] == persons.count)

            // Stages: five system stages plus every category stage.
            let categoryStages = categories.flatMap { $0["stages"] as? [Object] ?? [] }
            #expect(stages.count == 5 + categoryStages.count)
            for stage in categoryStages {
                let stored = stages.first { $0.remoteID == stage["id"] as? String }
                #expect(stored?.name == stage["name"] as? String)
                #expect(stored?.id == id("application_stages", stage["id"] ?? ""))
            }

            // Jobs.
            let categoryByID = Dictionary(uniqueKeysWithValues: categories.map { ("\($0["id"] ?? "")", $0) })
            let base = sync.baseURL
            for expected in truthJobs {
                let remoteID = "\(expected["id"] ?? "")"
                let job = try #require(jobs[remoteID], "job \(remoteID)")
                let published = expected["published"] as? Bool == true
                let category = categoryByID["\(expected["category_id"] ?? "")"]
                #expect(job.id == id("jobs", remoteID))
                #expect(job.name == (expected["name"] as? [String: String])?["en"])
                #expect(job.category == category?["name"] as? String)
                #expect(job.department == expected["department"] as? String)
                #expect(job.status == (published ? "OPEN" : "CLOSED"))
                #expect(job.visibility == (published ? "PUBLIC" : "INTERNAL"))
                #expect(job.remoteCreatedAt == Self.date(expected["created_at"]))
                #expect(job.remoteUpdatedAt == Self.date(expected["updated_at"]))
                #expect(job.remoteDeletedAt == nil)
                #expect(
                    job.stages.map(\.id)
                        == (category?["stages"] as? [Object] ?? []).map { id("application_stages", $0["id"] ?? "") })
                #expect(job.stages.compactMap(\.index) == Array(0..<job.stages.count))
                #expect(
                    job.hiringTeam.compactMap { member -> String? in
                        guard case .object(let fields) = member, case .string(let remote)? = fields["remote_id"] else {
                            return nil
                        }
                        return remote
                    } == (expected["hiring_team"] as? [Object] ?? []).map { "\($0["person_id"] ?? "")" })
                #expect(job.screeningQuestions.count == 7 + (truth["attributes"] as? [Any] ?? []).count)
                if published {
                    let office = expected["office"] as? String ?? ""
                    let offices = [office] + (expected["additional_offices"] as? [String] ?? [])
                    #expect(job.location?.raw == offices.joined(separator: ", "))
                    #expect(job.location?.city == (office == "Remote" ? nil : office))
                    let postURL: String = base + "/job/" + remoteID
                    #expect(job.postURL == postURL)
                    #expect(
                        job.employmentType
                            == Self.employmentType(
                                expected["employment_type"] as? String, schedule: expected["schedule"] as? String))
                    let levelParts = [
                        expected["seniority"] as? String,
                        (expected["years_of_experience"] as? String).map { years in
                            // docs/personio-mapping.md: the two open ranges in words.
                            years == "lt-1"
                                ? "less than 1 year" : years == "gt-15" ? "more than 15 years" : years + " years"
                        },
                    ].compactMap { $0 }
                    #expect(job.experienceLevel == (levelParts.isEmpty ? nil : levelParts.joined(separator: ", ")))
                    let sections = (expected["descriptions"] as? [String: [Object]])?["en"] ?? []
                    let html: String = sections.map { section -> String in
                        let name = (section["name"] as? String ?? "").replacingOccurrences(of: "&", with: "&amp;")
                            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                        let value = section["value"] as? String ?? ""
                        return "<h3>" + name + "</h3>\n" + value
                    }.joined(separator: "\n")
                    #expect(job.description == html, Comment(rawValue: "job " + remoteID))
                    // A posting per language the job is written in, English (the best) first.
                    let languages = expected["text_languages"] as? [String] ?? []
                    #expect(job.jobPostings.map(\.url) == Array(repeating: job.postURL, count: languages.count))
                    #expect(job.jobPostings.first?.descriptionHTML == html)
                    if let salary = expected["salary"] as? Object {
                        #expect(job.salaryAmountFrom == (salary["min"] as? Int).map(Double.init))
                        #expect(job.salaryAmountTo == (salary["max"] as? Int).map(Double.init))
                        #expect(job.salaryCurrency == salary["currency"] as? String)
                        #expect(job.salaryPeriod == "YEAR")
                    } else {
                        #expect(job.salaryAmountFrom == nil && job.salaryCurrency == nil)
                    }
                } else {
                    #expect(job.postURL == nil && job.description == nil && job.location == nil)
                    #expect(job.jobPostings.isEmpty)
                }
            }

            // Users.
            #expect(Set(users.compactMap(\.remoteID)) == Set(persons.map { "\($0["id"] ?? "")" }))
            for person in persons {
                let user = users.first { $0.remoteID == "\(person["id"] ?? "")" }
                #expect(user?.firstName == person["first_name"] as? String)
                #expect(user?.lastName == person["last_name"] as? String)
                #expect(user?.email == person["email"] as? String)
            }

            // Candidates.
            let storedCandidates = Dictionary(uniqueKeysWithValues: candidates.map { ($0.remoteID, $0) })
            #expect(storedCandidates.count == truthCandidates.count)
            for expected in truthCandidates {
                let remoteID = "\(expected["id"] ?? "")"
                let candidate = try #require(storedCandidates[remoteID], "candidate \(remoteID)")
                #expect(candidate.id == id("candidates", remoteID))
                #expect(candidate.firstName == expected["first_name"] as? String)
                #expect(candidate.lastName == expected["last_name"] as? String)
                #expect(
                    candidate.emailAddresses.compactMap(\.emailAddress)
                        == [expected["email"] as? String].compactMap { $0 })
                #expect(candidate.phoneNumbers.map(\.phoneNumber) == [expected["phone"] as? String].compactMap { $0 })
                #expect(candidate.location?.raw == expected["location"] as? String)
                #expect(
                    candidate.socialMedia.compactMap(\.link)
                        == [expected["linkedin_profile"] as? String].compactMap { $0 })
                #expect(candidate.remoteCreatedAt == Self.date(expected["created_at"]))
                #expect(candidate.remoteUpdatedAt == Self.date(expected["updated_at"]))
                let latest =
                    truthApplications
                    .filter { "\($0["candidate_id"] ?? "")" == remoteID && $0["channel_id"] is Int }
                    .max { a, b in
                        (a["created_at"] as? String ?? "", a["id"] as? Int ?? 0)
                            < (b["created_at"] as? String ?? "", b["id"] as? Int ?? 0)
                    }
                #expect(candidate.source == (latest?["channel_id"] as? Int).flatMap { channels[$0] ?? nil })
            }

            // Applications.
            let storedApplications = Dictionary(
                uniqueKeysWithValues: applications.compactMap { a in a.remoteID.map { ($0, a) } })
            #expect(storedApplications.count == truthApplications.count)
            for expected in truthApplications {
                let remoteID = "\(expected["id"] ?? "")"
                let application = try #require(storedApplications[remoteID], "application \(remoteID)")
                let stage = (expected["transitions"] as? [Object])?.last?["stage"] as? Object
                let kind = stage?["kind"] as? String
                let outcome =
                    kind == "accepted" ? "HIRED" : (kind == "rejected" || kind == "withdrawn" ? "DECLINED" : "PENDING")
                #expect(application.id == id("applications", remoteID))
                #expect(application.outcome == outcome)
                #expect(application.currentStageID == id("application_stages", stage?["id"] as? String ?? kind ?? ""))
                #expect(application.jobID == id("jobs", expected["job_id"] ?? ""))
                #expect(application.candidateID == id("candidates", expected["candidate_id"] ?? ""))
                #expect(application.remoteCreatedAt == Self.date(expected["created_at"]))
                #expect(application.remoteUpdatedAt == Self.date(expected["updated_at"]))
                #expect((application.rejectedAt != nil) == (outcome == "DECLINED"))
            }
        }
    }
}
