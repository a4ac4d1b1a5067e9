import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("Recruiting API v1 writes")
struct WriteTests {
    static let v1: HTTPFields = [
        .authorization: "Bearer sandbox-recruiting-api-key", HTTPField.Name("X-Company-ID")!: "123456",
        .contentType: "application/json",
    ]

    /// Published and unpublished job ids, learned from the feed and the v2 listing.
    static func jobIDs(_ sandbox: SandboxHarness) async throws -> (published: [Int], unpublished: [Int]) {
        let feed = try await sandbox.request("/xml").body
        let published = feed.components(separatedBy: "<id>").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        let all = try await sandbox.all("/v2/recruiting/jobs", headers: try await sandbox.authorization()).items
            .compactMap { ($0["id"] as? String).flatMap(Int.init) }
        return (published, all.filter { !published.contains($0) })
    }

    static func upload(_ sandbox: SandboxHarness, filename: String, bytes: Int) async throws -> SandboxHarness.Reply {
        let boundary = "sandbox-test-boundary"
        let body =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n" + String(repeating: "x", count: bytes)
            + "\r\n--\(boundary)--\r\n"
        var headers = v1
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await sandbox.request(
            "/v1/recruiting/applications/documents", method: .post, headers: headers, body: body)
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test("a created application is readable through v2 at once, with its stage, channel and candidate")
    func createThenRead() async throws {
        try await SandboxHarness.run { sandbox in
            let jobID = try #require(try await Self.jobIDs(sandbox).published.first)
            let upload = try await Self.upload(sandbox, filename: "My_CV.pdf", bytes: 1234)
            let document = try upload.json()
            let uuid = try #require(document["uuid"] as? String)

            let created = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: Self.v1,
                body: Self.json([
                    "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "job_position_id": jobID,
                    "recruiting_channel_id": 250_624, "phase": ["type": "system", "id": "offer"],
                    "tags": ["Brand new tag"],
                    "files": [["uuid": uuid, "original_filename": "My_CV.pdf", "category": "cv"]],
                    "attributes": [
                        ["id": "phone", "value": "+49 170 1234567"],
                        ["id": "custom_attribute_3", "value": "custom_option_2"],
                    ],
                    "message": "Hello",
                ]))
            let auth = try await sandbox.authorization()
            let applications = try await sandbox.request(
                "/v2/recruiting/applications?candidate.email=ada@example.org", headers: auth
            ).items()
            let newest = try await sandbox.request("/v2/recruiting/candidates?limit=1", headers: auth).items()

            #expect(upload.status == .ok)
            #expect(document["size"] as? Int == 1234)
            #expect(document["extension"] as? String == "pdf")
            #expect(document["mimetype"] as? String == "application/pdf")
            #expect(created.status == .created)
            #expect(created.body.isEmpty)
            #expect(applications.count == 1)
            let application = try #require(applications.first)
            #expect((application["job"] as? [String: Any])?["id"] as? String == String(jobID))
            #expect((application["current_stage"] as? [String: Any])?["kind"] as? String == "offer")
            #expect((application["channel"] as? [String: Any])?["name"] as? String == "LinkedIn")
            let applicationID = try #require(application["id"] as? String)
            let transitions = try await sandbox.request(
                "/v2/recruiting/applications/\(applicationID)/stage-transitions", headers: auth
            ).items()
            #expect(transitions.count == 1)
            #expect(newest.first?["email"] as? String == "ada@example.org")
            #expect(newest.first?["phone"] as? String == "+49 170 1234567")
        }
    }

    @Test("every field error comes back in one 400 with its documented reason")
    func collectsAllErrors() async throws {
        try await SandboxHarness.run { sandbox in
            let unpublished = try #require(try await Self.jobIDs(sandbox).unpublished.first)
            let tomorrow = DateFormatter.localDay.string(from: Date().addingTimeInterval(2 * 86_400))

            let reply = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: Self.v1,
                body: Self.json([
                    "first_name": "   ", "email": "not-an-email", "job_position_id": unpublished,
                    "recruiting_channel_id": 1, "external_posting_id": "p-1", "application_date": tomorrow,
                    "phase": ["type": "system", "id": "hired"],
                    "files": [
                        [
                            "uuid": "00000000-0000-0000-0000-000000000000", "original_filename": "x.pdf",
                            "category": "photo",
                        ]
                    ],
                    "attributes": [
                        ["id": "custom_attribute_99", "value": "x"],
                        ["id": "custom_attribute_3", "value": "custom_option_9"],
                        ["id": "birthday", "value": "01.02.1990"], ["id": "gender", "value": "robot"],
                    ],
                ]))

            #expect(reply.status == .badRequest)
            let errors = try #require(try reply.json()["errors"] as? [[String: Any]])
            var reasons: [String: [String]] = [:]
            for error in errors {
                let field = try #require(error["field"] as? String)
                #expect(reasons[field] == nil, "field \(field) listed twice")
                reasons[field] = (error["errors"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
            }
            // Expected reasons written from docs/personio-sandbox.md (v1 write reasons).
            #expect(reasons["first_name"] == ["errors.attribute-validation.required-attribute"])
            #expect(reasons["last_name"] == ["errors.attribute-validation.required-attribute"])
            #expect(reasons["email"] == ["errors.attribute-validation.invalid-email-format"])
            #expect(reasons["job_position_id"] == ["errors.job-position.not-published"])
            #expect(reasons["recruiting_channel_id"] == ["errors.posting-validation.channel-not-found"])
            #expect(reasons["external_posting_id"] == ["errors.posting-validation.posting-not-found"])
            #expect(reasons["application_date"] == ["errors.date-validation.date-in-the-future"])
            #expect(reasons["phase.id"] == ["errors.phase-validation.invalid-system-phase"])
            #expect(reasons["files[0].uuid"] == ["errors.file-validation.file-not-exists"])
            #expect(reasons["files[0].category"] == ["errors.file-validation.unknown-file-category"])
            #expect(reasons["attributes[0].id"] == ["errors.attribute-validation.unknown"])
            #expect(reasons["attributes[1].value"] == ["errors.attribute-validation.unknown-attribute-option"])
            #expect(reasons["attributes[2].value"] == ["errors.attribute-validation.invalid-date-format"])
            #expect(reasons["attributes[3].value"] == ["errors.attribute-validation.unknown-attribute-option"])
            #expect(reasons.count == 14)
        }
    }

    @Test("one application per email and job; the same email to another job reuses the candidate")
    func duplicates() async throws {
        try await SandboxHarness.run { sandbox in
            let jobs = try await Self.jobIDs(sandbox).published
            func apply(_ jobID: Int) async throws -> SandboxHarness.Reply {
                try await sandbox.request(
                    "/v1/recruiting/applications", method: .post, headers: Self.v1,
                    body: Self.json([
                        "first_name": "Grace", "last_name": "Hopper", "email": "Grace@Example.org",
                        "job_position_id": jobID,
                    ]))
            }

            let first = try await apply(jobs[0])
            let again = try await apply(jobs[0])
            let other = try await apply(jobs[1])
            let candidates = try await sandbox.request(
                "/v2/recruiting/candidates?email=grace@example.org", headers: try await sandbox.authorization()
            ).items()

            #expect(first.status == .created)
            #expect(again.status == .badRequest)
            #expect(again.body.contains("errors.applicant-already-exists"))
            #expect(other.status == .created)
            #expect(candidates.count == 1)
            #expect((candidates.first?["applications"] as? [Any])?.count == 2)
        }
    }

    @Test("available_from takes free text up to 100 characters; the dates-only switch refuses it")
    func availableFrom() async throws {
        try await SandboxHarness.run { sandbox in
            let jobs = try await Self.jobIDs(sandbox).published
            func apply(_ jobID: Int, _ email: String, _ value: String) async throws -> SandboxHarness.Reply {
                try await sandbox.request(
                    "/v1/recruiting/applications", method: .post, headers: Self.v1,
                    body: Self.json([
                        "first_name": "Hedy", "last_name": "Lamarr", "email": email, "job_position_id": jobID,
                        "attributes": [["id": "available_from", "value": value]],
                    ]))
            }

            let text = try await apply(jobs[0], "hedy@example.org", "As soon as possible")
            let tooLong = try await apply(jobs[1], "hedy2@example.org", String(repeating: "x", count: 101))
            try await sandbox.request(
                "/_sandbox/features", method: .put, headers: [.contentType: "application/json"],
                body: #"{"available_from_dates_only":true}"#)
            let refused = try await apply(jobs[1], "hedy3@example.org", "As soon as possible")
            let date = try await apply(jobs[1], "hedy4@example.org", "2027-03-01")
            let candidate = try await sandbox.request(
                "/v2/recruiting/candidates?email=hedy@example.org", headers: try await sandbox.authorization()
            ).items().first

            #expect(text.status == .created)
            #expect(candidate?["available_from"] as? String == "As soon as possible")
            #expect(tooLong.status == .badRequest && tooLong.body.contains("errors.attribute-validation.too-long"))
            #expect(refused.status == .badRequest && refused.body.contains("invalid-date-format"))
            #expect(date.status == .created)
        }
    }

    @Test("an unknown custom phase lands the application in Unassigned")
    func unknownCustomPhase() async throws {
        try await SandboxHarness.run { sandbox in
            let jobID = try #require(try await Self.jobIDs(sandbox).published.first)
            _ = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: Self.v1,
                body: Self.json([
                    "first_name": "Alan", "last_name": "Turing", "email": "alan@example.org", "job_position_id": jobID,
                    "phase": ["type": "custom", "id": 1],
                ]))
            let application = try await sandbox.request(
                "/v2/recruiting/applications?candidate.email=alan@example.org",
                headers: try await sandbox.authorization()
            ).items().first
            #expect((application?["current_stage"] as? [String: Any])?["kind"] as? String == "unassigned")
        }
    }

    @Test("wrong key or company is 401; an account without recruiting is 403 with its reason")
    func authorization() async throws {
        try await SandboxHarness.run { sandbox in
            var wrongKey = Self.v1
            wrongKey[.authorization] = "Bearer nope"
            var wrongCompany = Self.v1
            wrongCompany[HTTPField.Name("X-Company-ID")!] = "1"
            let keyReply = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: wrongKey, body: "{}")
            let companyReply = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: wrongCompany, body: "{}")
            #expect(keyReply.status == .unauthorized)
            #expect(companyReply.status == .unauthorized)
        }
        try await SandboxHarness.run(.with { $0.recruitingAPIEnabled = false }) { sandbox in
            let reply = try await sandbox.request(
                "/v1/recruiting/applications", method: .post, headers: Self.v1, body: "{}")
            #expect(reply.status == .forbidden)
            #expect(reply.body.contains("feature.recruiting.disabled"))
        }
    }

    @Test("uploads and applications share the per-company limit")
    func sharedLimit() async throws {
        try await SandboxHarness.run(.with { $0.v1RateLimit = .init(requests: 3, windowSeconds: 60) }) { sandbox in
            var statuses: [Int] = []
            for _ in 0..<2 { statuses.append(try await Self.upload(sandbox, filename: "a.txt", bytes: 1).status.code) }
            for _ in 0..<2 {
                statuses.append(
                    try await sandbox.request(
                        "/v1/recruiting/applications", method: .post, headers: Self.v1, body: "{}"
                    ).status.code)
            }
            #expect(statuses == [200, 200, 400, 429])
        }
    }

    @Test("a file over 20 MB is 413, an unlisted extension 422")
    func uploadLimits() async throws {
        try await SandboxHarness.run { sandbox in
            let big = try await Self.upload(sandbox, filename: "huge.pdf", bytes: 20 * 1024 * 1024 + 1)
            let exe = try await Self.upload(sandbox, filename: "virus.exe", bytes: 10)
            #expect(big.status == .contentTooLarge)
            #expect(big.body.contains("errors.file-too-big"))
            #expect(exe.status == .unprocessableContent)
            #expect(exe.body.contains("errors.invalid-file-type"))
        }
    }
}

extension DateFormatter {
    static let localDay: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()
}
