import Foundation
import Testing

@testable import JunctionModel

/// `DocumentEncoder` must write exactly what Foundation's `JSONEncoder` with the unified
/// conventions writes: stored documents, their content hashes and every response depend on
/// those bytes. Foundation's output is the expectation throughout.
@Suite("DocumentEncoder writes Foundation's bytes")
struct DocumentEncoderTests {
    struct Inner: Codable, Equatable {
        var name: String
        var tags: [String]
    }

    struct Everything: Encodable {
        var text = #"quote " backslash \ slash / tab \t newline \n bell \u{07} NUL-free ünïcødé 👍"#
        var empty = ""
        var int = -42
        var bigInt = Int64.max
        var smallest = Int64.min
        var zero = 0
        var unsigned = UInt64.max
        var small: Int8 = -8
        var bool = true
        var integral = 50_000.0
        var negativeIntegral = -3.0
        var fraction = 1234.5678
        var tiny = 1e-7
        var huge = 1e21
        var negativeZero = -0.0
        var float: Float = 0.1
        var date = Date(timeIntervalSince1970: 1_700_000_000.123)
        var absent: String? = nil
        var present: String? = "here"
        var nullable = Nullable<String>(wrappedValue: nil)
        var nullableValue = Nullable<Double>(wrappedValue: 12)
        var url = URL(string: "https://example.com/a/b?c=d")!
        var data = Data([0, 1, 2, 250])
        var decimal = Decimal(string: "12.34")!
        var stringKeys = ["b": 2, "a": 1, "ä": 3, "Z": 0, "aa": 4]
        var intKeys = [10: "ten", 2: "two"]
        var nested = [Inner(name: "x", tags: []), Inner(name: "y/z", tags: ["1", "2"])]
        var json: JSONValue = .object([
            "b": .array([.number(1), .number(1.5), .null, .bool(false)]), "a": .string("s/t"),
            "nested": .object(["z": .number(-0.25), "y": .object([:])]),
            "integers": .array([.number(0), .number(-0.0), .number(-7), .number(999_999_999_999_999)]),
        ])
        var emptyList: [Int] = []
        var emptyMap: [String: Int] = [:]
    }

    static func foundation<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try UnifiedJSON.makeEncoder().encode(value), as: UTF8.self)
    }

    static func fast<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try DocumentEncoder.encode(value), as: UTF8.self)
    }

    @Test("every kind of value the encoders meet")
    func everything() throws {
        let value = Everything()

        let expected = try Self.foundation(value)

        #expect(try Self.fast(value) == expected)
        #expect(expected.contains(#""json":{"a":"s/t""#))  // the comparison sees nested JSON
    }

    /// Encodes a key twice, a nested container and a super encoder: the corners of `Encoder`.
    struct Corners: Encodable {
        enum Keys: String, CodingKey { case twice, nested, list, parent, z, a }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("first", forKey: .twice)
            try container.encode(2, forKey: .z)
            try container.encode("second", forKey: .twice)
            var nested = container.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encodeNil(forKey: .a)
            var list = container.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            var inner = list.nestedContainer(keyedBy: Keys.self)
            try inner.encode(true, forKey: .a)
            try list.encode("x")
            let parent = container.superEncoder(forKey: .parent)
            var single = parent.singleValueContainer()
            try single.encode([3, 2, 1])
        }
    }

    @Test("a repeated key, nested containers and a super encoder")
    func corners() throws {
        #expect(try Self.fast(Corners()) == (try Self.foundation(Corners())))
    }

    @Test("top-level values: scalars, lists, dates, nothing encoded")
    func topLevel() throws {
        #expect(try Self.fast("a/b") == (try Self.foundation("a/b")))
        #expect(try Self.fast(7) == (try Self.foundation(7)))
        #expect(try Self.fast([1.5, 2]) == (try Self.foundation([1.5, 2])))
        #expect(try Self.fast(Date(timeIntervalSince1970: 0)) == (try Self.foundation(Date(timeIntervalSince1970: 0))))
        #expect(try Self.fast(JSONValue.null) == (try Self.foundation(JSONValue.null)))

        struct Nothing: Encodable { func encode(to encoder: any Encoder) throws {} }
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(Nothing()) }
        #expect(throws: EncodingError.self) { try UnifiedJSON.makeEncoder().encode(Nothing()) }
        #expect(throws: EncodingError.self) { try DocumentEncoder.encode(Double.nan) }
    }

    /// Writes the coding path it is encoded at: the path must be Foundation's wherever a value sits.
    struct Where: Encodable {
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "."))
        }
    }

    struct Paths: Encodable {
        var top = Where()
        var list = [Where(), Where()]
        var nested = ["inner": [Where()]]
        var optional: Where? = Where()
    }

    @Test("coding paths, put together only when asked for, are Foundation's")
    func codingPaths() throws {
        #expect(try Self.fast(Paths()) == (try Self.foundation(Paths())))
        #expect(try Self.fast(Paths()).contains("nested.inner.Index 0"))
    }
    /// A candidate with every member set, nested lists of two, and keys that sort differently
    /// by bytes and by characters.
    static func fullCandidate() -> Candidate {
        var candidate = Candidate(
            id: "C1", remoteID: "101", changedAt: Date(timeIntervalSince1970: 1_700_000_000.5))
        candidate.firstName = #"Zoë "Q" \ O'Neil"#
        candidate.lastName = "Line\nbreak\tand\u{01}control"
        candidate.company = "ACME/Works"
        candidate.title = "Engineer 👍"
        candidate.confidential = false
        candidate.source = "LinkedIn"
        candidate.customFields = ["zeta": .number(1.5), "Äpfel": .string("ä"), "alpha": .array([.null, .bool(true)])]
        candidate.remoteURL = "https://example.com/c/101"
        candidate.remoteCreatedAt = Date(timeIntervalSince1970: 0)
        candidate.remoteUpdatedAt = Date(timeIntervalSince1970: 253_402_300_799.999)
        candidate.remoteDeletedAt = Date(timeIntervalSince1970: 1_600_000_000)
        let application = Application(id: "A1", remoteID: "201")
        candidate.applications = [
            NestedApplication(application, currentStage: nil, job: NestedJob(id: "J", name: nil, remoteID: "9"))
        ]
        candidate.tags = [.string("Senior"), .object(["b": .number(2), "a": .string("x")])]
        candidate.phoneNumbers = [.init(phoneNumber: "+49 30 1"), .init(phoneNumber: "+1", type: "mobile")]
        candidate.emailAddresses = [.init(emailAddress: "a@example.com"), .init(emailAddress: "b@x.de", type: "work")]
        candidate.socialMedia = [.init(link: "https://x/y", type: "XING", username: "z"), .init(link: nil, type: nil)]
        var location = Location(city: "Berlin", country: "DE", raw: nil)
        location.zipCode = "10115"
        location.street2 = ""
        candidate.location = location
        candidate.integrationFields = [.object(["key": .string("k")])]
        candidate.remoteData = ["candidate": .object(["id": .number(101), "name": .string("Zoë")]), "b": .null]
        return candidate
    }

    static func fullApplication() -> Application {
        var application = Application(id: "A1", remoteID: "201", changedAt: Date(timeIntervalSince1970: 86_400.001))
        application.outcome = "DECLINED"
        application.rejectionReasonName = "Too \"senior\""
        application.rejectedAt = Date(timeIntervalSince1970: 1_650_000_000)
        application.currentStageID = "S1"
        application.jobID = "J1"
        application.candidateID = "C1"
        application.customFields = ["ü": .string("u"), "u": .string("ü")]
        application.remoteURL = "https://example.com/a/201"
        application.remoteDeletedAt = Date(timeIntervalSince1970: 1)
        application.remoteCreatedAt = Date(timeIntervalSince1970: 2)
        application.remoteUpdatedAt = Date(timeIntervalSince1970: 3)
        application.candidate = NestedCandidate(fullCandidate())
        let stage = ApplicationStage(id: "S1", remoteID: "s", name: "Interview", status: "active")
        application.currentStage = NestedStage(stage, index: 2, full: true)
        application.job = NestedJob(id: "J1", name: "Engineer", remoteID: "301")
        application.interviews = [.object([:])]
        application.offers = [.array([]), .number(-0.25)]
        application.screeningQuestionAnswers = [.object(["question_id": .string("Q"), "answer": .bool(false)])]
        application.integrationFields = [.string("f")]
        application.remoteData = ["application": .object(["id": .number(201)])]
        application.source = "not on the wire"
        return application
    }

    @Test("candidates and applications, written member by member, are Foundation's bytes")
    func directlyWritten() throws {
        let candidates = [Self.fullCandidate(), Candidate(id: "C2", remoteID: "102")]
        let applications = [Self.fullApplication(), Application(id: "A2", remoteID: nil)]

        for candidate in candidates {
            #expect(try Self.fast(candidate) == (try Self.foundation(candidate)))
        }
        for application in applications {
            #expect(try Self.fast(application) == (try Self.foundation(application)))
        }
        // The members the direct writers skip past are written, and written in full.
        let written = try Self.fast(candidates[0])
        #expect(written.contains(#""applications":[{"#))
        #expect(written.contains(#""zip_code":"10115""#))
        #expect(try Self.fast(applications[0]).contains(#""current_stage":{"#))
        #expect(try !Self.fast(applications[0]).contains("not on the wire"))
    }
}
