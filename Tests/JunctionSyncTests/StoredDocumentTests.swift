import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import PersonioSandbox
import Testing

/// Stored documents are written by `DocumentEncoder` (issue 22); what is served and hashed must
/// stay byte for byte what Foundation's encoder with the unified conventions writes, with the
/// members a page writes over (`SyncedRecord.leadingKeys`) moved first. Every record a FULL sync
/// of the sandbox stores, of every model, is checked against Foundation's bytes.
@Suite("Stored documents are Foundation's bytes", .freshDatabases)
struct StoredDocumentTests {
    static func check<Record: SyncedRecord>(
        _ type: Record.Type, _ sync: JobSyncTests.SyncFixture, atLeast minimum: Int
    ) async throws {
        let records = sync.seeded.store.records
        let stored = try await records.listDocuments(
            Record.self, integrationID: sync.integrationID, filter: RecordFilter(includeDeleted: true), after: nil,
            limit: 10_000
        ).items
        let foundation = UnifiedJSON.makeEncoder()
        #expect(stored.count >= minimum, "\(Record.table): \(stored.count) records")
        for document in stored {
            // What the stored text decodes to, encoded by Foundation, is the stored text.
            let decoded = try UnifiedJSON.makeDecoder().decode(Record.self, from: Data(document.document))
            let expected = [UInt8](try foundation.encode(decoded))
            // Foundation's members, the leading ones first, the others in Foundation's (sorted) order.
            let foundationMembers = try Self.members(expected)
            let leading = Record.leadingKeys.compactMap { key in foundationMembers.first { $0.key == key } }
            #expect(leading.count == Record.leadingKeys.count, "\(Record.table) \(document.id) has every leading key")
            let order = leading + foundationMembers.filter { !Record.leadingKeys.contains($0.key) }
            let stored = try Self.members(document.document)
            #expect(stored.map(\.key) == order.map(\.key), "\(Record.table) \(document.id)")
            #expect(stored.map(\.value) == order.map(\.value), "\(Record.table) \(document.id)")
            #expect(document.document.count == expected.count, "no bytes but the order differ")
            // And the record as the read side decodes it (columns applied) encodes the same both ways.
            #expect(try DocumentEncoder.encode(decoded) == expected, "\(Record.table) \(document.id)")
        }
    }

    /// An object's members, key and value text, in their order.
    static func members(_ object: [UInt8]) throws -> [(key: String, value: [UInt8])] {
        let members = try JSONObjectMembers(object)
        return members.members.map {
            (String(decoding: object[$0.key], as: UTF8.self), Array(object[$0.value]))
        }
    }

    @Test("every record of every model after a FULL of the sandbox")
    func everyRecord() async throws {
        try await JobSyncTests.withSandboxAndStore(.sqlite, configuration: SandboxConfiguration()) { sandbox, sync in
            let truth = try await GroundTruthTests.truth(sandbox)
            try await QuestionSyncTests.configure(
                sync,
                [
                    "applicant_attributes": try JSONDecoder().decode(
                        JSONValue.self, from: JSONSerialization.data(withJSONObject: truth["attributes"] ?? [])),
                    "tags": .array([.string("Senior"), .string("Remote/Hybrid")]),
                ])

            let run = try await sync.run()

            #expect(run.status == .succeeded, "\(run.error ?? "")")
            try await Self.check(Job.self, sync, atLeast: 10)
            try await Self.check(Candidate.self, sync, atLeast: 100)
            try await Self.check(Application.self, sync, atLeast: 100)
            try await Self.check(ApplicationStage.self, sync, atLeast: 5)
            try await Self.check(ScreeningQuestion.self, sync, atLeast: 5)
            try await Self.check(User.self, sync, atLeast: 1)
            try await Self.check(Tag.self, sync, atLeast: 2)
            try await Self.check(JobStageLink.self, sync, atLeast: 10)
            try await Self.check(JobQuestionLink.self, sync, atLeast: 10)
        }
    }
}
