import Foundation
import JunctionConnectors
import JunctionModel
import Testing

@testable import Personio

/// The planner's answer rules (docs/personio-mapping.md, "Writing applications"), for every
/// question format, including NUMBER and BOOLEAN, which the sandbox's catalog does not have.
@Suite("Screening answers against their question's format")
struct ApplicationPlannerTests {
    static func question(_ format: QuestionFormat) -> JobScreeningQuestion {
        JobScreeningQuestion(
            ScreeningQuestion(id: "q", remoteID: "custom_attribute_9", title: "Q", format: format), index: 0,
            required: false)
    }

    static let options = [
        QuestionOption(id: "opt-a", name: "A", remoteID: "custom_option_1"),
        QuestionOption(id: "opt-b", name: "B", remoteID: "custom_option_2"),
    ]

    @Test(
        "valid answers become Personio's text values",
        arguments: [
            (QuestionFormat.text(displayType: nil, maxLength: 5), JSONValue.string("short"), "short"),
            (.date, .string("2027-02-01T00:00:00Z"), "2027-02-01"),
            (.date, .string("2027-02-01"), "2027-02-01"),
            (.singleSelect(options: options, displayType: nil), .string("opt-b"), "custom_option_2"),
            (.number(displayType: nil, min: 0, max: 10), .number(7), "7"),
            (.number(displayType: nil, min: nil, max: nil), .number(2.5), "2.5"),
            // Whole numbers beyond Int's range stay numbers (the fuzzer crashed the server with 3e281).
            (.number(displayType: nil, min: nil, max: nil), .number(3e281), "3e+281"),
            (.number(displayType: nil, min: nil, max: nil), .number(-9.3e18), "-9.3e+18"),
            (.boolean, .bool(true), "true"),
        ])
    func valid(format: QuestionFormat, answer: JSONValue, expected: String) throws {
        let value = try ApplicationPlanner.value(of: answer, for: Self.question(format)).get()
        #expect(value == expected)
    }

    @Test(
        "malformed values of the right kind are refused with a reason",
        arguments: [
            (QuestionFormat.text(displayType: nil, maxLength: 3), JSONValue.string("too long"), "at most 3"),
            (.date, .string("next spring"), "ISO-8601"),
            (.singleSelect(options: options, displayType: nil), .string("custom_option_1"), "opt-a (A)"),
            (.number(displayType: nil, min: 1, max: 5), .number(9), "at most 5"),
            (.number(displayType: nil, min: 1, max: 5), .number(0), "at least 1"),
        ])
    func invalid(format: QuestionFormat, answer: JSONValue, reason: String) {
        switch ApplicationPlanner.value(of: answer, for: Self.question(format)) {
        case .success(let value): Issue.record("accepted \(value)")
        case .failure(let mismatch):
            #expect(mismatch.message.contains(reason), "\(mismatch.message)")
            #expect(!mismatch.unsendable)
        }
    }

    @Test(
        "answers of a kind the question cannot take are marked to be skipped, not refused",
        arguments: [
            (QuestionFormat.text(displayType: nil, maxLength: nil), JSONValue.number(1), "number", "TEXT"),
            (.boolean, .string("yes"), "string", "BOOLEAN"),
            (.file(acceptedMimeTypes: nil, maxFileSizeBytes: nil), .string("x"), "string", "FILE"),
            (.singleSelect(options: options, displayType: nil), .array([.string("opt-a")]), "list", "SINGLE_SELECT"),
        ])
    func unsendable(format: QuestionFormat, answer: JSONValue, kind: String, formatName: String) {
        switch ApplicationPlanner.value(of: answer, for: Self.question(format)) {
        case .success(let value): Issue.record("accepted \(value)")
        case .failure(let mismatch):
            #expect(mismatch.unsendable)
            #expect(mismatch.message == "is a \(kind), which the question's format \(formatName) cannot take")
        }
    }
}

/// Whole plans: which stage references Personio gets as a `phase`, what happens to answers the
/// job cannot take, and the names documents are uploaded under.
@Suite("Application plans")
struct ApplicationPlanTests {
    static let integrationID = "personio:acme"

    static func stageID(_ remote: String) -> String {
        Identifier.record(integrationID: integrationID, model: "application_stages", remoteID: remote)
    }

    /// A job in a category with custom stages 101 and 102, a required date question and an
    /// optional text question.
    static var job: Job {
        var job = Job(id: "job-1", remoteID: "1001", changedAt: Date(timeIntervalSince1970: 0))
        job.stages =
            ["unassigned", "rejected", "withdrawn", "offer", "accepted", "101", "102"].map { remote in
                JobStage(id: stageID(remote), remoteID: remote, name: "Stage \(remote)", index: nil)
            }
        job.screeningQuestions = [
            JobScreeningQuestion(
                ScreeningQuestion(id: "q-date", remoteID: "custom_attribute_2", title: "Start", format: .date),
                index: 0, required: true),
            JobScreeningQuestion(
                ScreeningQuestion(
                    id: "q-text", remoteID: "custom_attribute_1", title: "Notice",
                    format: .text(displayType: nil, maxLength: nil)), index: 1, required: false),
        ]
        return job
    }

    static func plan(_ body: JSONValue) throws -> WritePlan {
        let create = try ApplicationCreate.parse(body, legacy: false)
        return try ApplicationPlanner(integrationID: integrationID, job: job, channels: [], defaultChannelID: nil)
            .plan(create)
    }

    static func body(stage: String? = nil, answers: [JSONValue]? = nil, attachments: [JSONValue]? = nil) -> JSONValue {
        var root: [String: JSONValue] = [
            "candidate": .object([
                "first_name": .string("Ada"), "last_name": .string("L"), "email_address": .string("ada@example.org"),
            ]),
            "screening_question_answers": .array(
                answers ?? [.object(["question_id": .string("q-date"), "answer": .string("2027-01-01")])]),
        ]
        if let stage { root["stage_id"] = .string(stage) }
        if let attachments { root["attachments"] = .array(attachments) }
        return .object(root)
    }

    @Test(
        "a stage is named by Junction id, remote:<Personio id> or a system stage's name",
        arguments: [
            (stageID("offer"), JSONValue.object(["type": .string("system"), "id": .string("offer")])),
            ("remote:offer", .object(["type": .string("system"), "id": .string("offer")])),
            ("Offer", .object(["type": .string("system"), "id": .string("offer")])),
            ("rejected", .object(["type": .string("system"), "id": .string("rejected")])),
            (stageID("102"), .object(["type": .string("custom"), "id": .number(102)])),
            ("remote:101", .object(["type": .string("custom"), "id": .number(101)])),
        ])
    func stages(reference: String, phase: JSONValue) throws {
        let plan = try Self.plan(Self.body(stage: reference))
        #expect(plan.body["phase"] == phase)
    }

    @Test("a stage outside the job's pipeline is refused, naming the forms a stage may take")
    func foreignStage() {
        for reference in ["remote:999", "Interview", "remote:", Self.stageID("999")] {
            #expect {
                try Self.plan(Self.body(stage: reference))
            } throws: { error in
                let problems = (error as? ApplicationCreate.Problems)?.list ?? []
                return problems.map(\.path) == ["stage_id"]
                    && problems[0].message.contains("remote:<Personio stage id>")
            }
        }
    }

    @Test("an unknown question and an answer of the wrong kind are skipped with warnings; the rest is sent")
    func lenientAnswers() throws {
        let plan = try Self.plan(
            Self.body(answers: [
                .object(["question_id": .string("q-elsewhere"), "answer": .string("x")]),
                .object(["question_id": .string("q-text"), "answer": .number(42)]),
                .object(["question_id": .string("q-date"), "answer": .string("2027-01-01")]),
            ]))
        #expect(
            plan.body["attributes"]
                == .array([.object(["id": .string("custom_attribute_2"), "value": .string("2027-01-01")])]))
        #expect(plan.warnings.count == 2)
        #expect(plan.warnings[0].hasPrefix("screening_question_answers[0]: 'q-elsewhere' is not a screening question"))
        #expect(
            plan.warnings[1]
                == "screening_question_answers[1].answer is a number, which the question's format TEXT cannot take, so it was not sent"
        )
    }

    @Test("a required question answered with the wrong kind is still missing, so the request is refused")
    func requiredSkipped() {
        #expect {
            try Self.plan(Self.body(answers: [.object(["question_id": .string("q-date"), "answer": .bool(true)])]))
        } throws: { error in
            let problems = (error as? ApplicationCreate.Problems)?.list ?? []
            return problems.map(\.path) == ["screening_question_answers"]
                && problems[0].message.contains("'q-date' (Start) is required")
        }
    }

    @Test(
        "a document's name gets the extension its media type or its first bytes show",
        arguments: [
            ("Resume", "application/pdf", Data("x".utf8), "Resume.pdf"),
            (
                "cv.final", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Data(),
                "cv.final.docx"
            ),
            ("Letter.", "text/plain; charset=utf-8", Data(), "Letter.txt"),
            (
                "scan", "application/octet-stream", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]),
                "scan.png"
            ),
            ("cv.PDF", "image/png", Data(), "cv.PDF"),
        ])
    func fileNames(name: String, contentType: String, data: Data, expected: String) {
        #expect(ApplicationPlanner.fileName(name, contentType: contentType, data: data) == expected)
    }

    @Test("a name whose type nothing shows is refused before anything is sent")
    func unknownType() {
        #expect(
            ApplicationPlanner.fileName("cv", contentType: "application/x-msdownload", data: Data("MZ".utf8)) == nil)
        let attachment = JSONValue.object([
            "name": .string("cv"), "type": .string("CV"), "content_type": .string("application/octet-stream"),
            "data": .string(Data("MZ".utf8).base64EncodedString()),
        ])
        #expect {
            try Self.plan(Self.body(attachments: [attachment]))
        } throws: { error in
            let problems = (error as? ApplicationCreate.Problems)?.list ?? []
            return problems.map(\.path) == ["attachments[0].name"]
                && problems[0].message.contains("its content type 'application/octet-stream' names none")
        }
    }

    @Test("a download without a given type is planned, named once its own media type is known")
    func deferredName() throws {
        let attachment = JSONValue.object([
            "name": .string("cover"), "type": .string("COVER_LETTER"), "data_url": .string("https://files.example/c"),
        ])
        let plan = try Self.plan(Self.body(attachments: [attachment]))
        #expect(plan.files.map(\.attachment.name) == ["cover"])
    }
}
