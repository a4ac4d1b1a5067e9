import Crypto
import Foundation
import JunctionModel
import JunctionTestSupport
import SQLKit
import Testing

@testable import JunctionStore

/// A job's screening questions, stored on PostgreSQL once more without them
/// (`SyncedRecord.sharedMember`): the lean document and where the questions were must give back
/// the stored document, and every page must serve exactly the stored documents whatever
/// questions its jobs ask. PostgreSQL's pages read a job whose questions are the page's first
/// job's without them; SQLite's read every job whole.
@Suite("A job's questions, sent once per page", .freshDatabases)
struct SharedMemberPageTests {
    /// `job-1` … `job-8`, open but for `job-5`. Two question sets: jobs 1, 2, 4, 5 and 7 ask the
    /// first, 3 and 6 the second; job 8 asks none.
    static func jobs() -> [Job] {
        func question(_ number: Int, _ title: String) -> JobScreeningQuestion {
            JobScreeningQuestion(
                ScreeningQuestion(
                    id: "q\(number)", remoteID: "attribute_\(number)", title: title,
                    format: .text(displayType: "SINGLE_LINE", maxLength: 255)),
                index: number, required: number % 2 == 0)
        }
        let first = (0..<6).map { question($0, "Frage \($0): Wie heißt Ihr Lieblingsprojekt? \"Zitat\" ✓") }
        let second = [question(9, "Only this one")]
        return (1...8).map { number in
            var job = Job(id: "job-\(number)", remoteID: "j\(number)", changedAt: Date(timeIntervalSince1970: 0))
            job.name = "Job \(number)"
            job.status = number == 5 ? "CLOSED" : "OPEN"
            job.screeningQuestions = [3, 6].contains(number) ? second : number == 8 ? [] : first
            return job
        }
    }

    /// A job's stored document, lean document and columns.
    typealias StoredJob = (id: String, record: [UInt8], lean: [UInt8]?, offset: Int?, length: Int?, hash: String?)

    /// A fresh database on `backend` with `jobs()` saved, and the jobs as stored.
    static func savedJobs(_ backend: Backend) async throws -> (
        database: Database, seeded: SeededStore, rows: [StoredJob]
    ) {
        let database = try await FreshDatabases.open(backend)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        try await seeded.store.records.saveJobs(jobs(), integrationID: integrationID)
        return (database, seeded, try await stored(database.sql, integrationID))
    }

    /// Each job's stored document, lean document and columns, in id order.
    static func stored(_ database: any SQLDatabase, _ integrationID: String) async throws -> [StoredJob] {
        try await database.raw(
            """
            SELECT id, record, page_record, shared_offset, shared_length, shared_hash FROM jobs
            WHERE integration_id = \(bind: integrationID) ORDER BY id
            """
        ).all().map { row in
            (
                try row.decode(column: "id", as: String.self),
                Array(try row.decode(column: "record", as: String.self).utf8),
                try row.decode(column: "page_record", as: String?.self).map { Array($0.utf8) },
                try row.decode(column: "shared_offset", as: Int64?.self).map(Int.init),
                try row.decode(column: "shared_length", as: Int64?.self).map(Int.init),
                try row.decode(column: "shared_hash", as: String?.self)
            )
        }
    }

    /// Empties the four columns of the jobs with `ids`, as a job saved before migration 37 has them.
    static func empty(_ database: any SQLDatabase, ids: [String]) async throws {
        try await database.raw(
            """
            UPDATE jobs SET page_record = NULL, shared_offset = NULL, shared_length = NULL, shared_hash = NULL
            WHERE id IN (\(binds: ids))
            """
        ).run()
    }

    @Test("a save on PostgreSQL keeps each job's document without its questions, and where they were")
    func saved() async throws {
        let database = try await FreshDatabases.open(.postgres)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description
        let jobs = Self.jobs()

        try await seeded.store.records.saveJobs(jobs, integrationID: integrationID)

        let rows = try await Self.stored(database.sql, integrationID)
        let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.id, $0) })
        #expect(rows.count == 8)
        for row in rows {
            let offset = try #require(row.offset)
            let length = try #require(row.length)
            let lean = try #require(row.lean)
            // The removed bytes are the job's questions, as JSON, and nothing else.
            let value = Array(row.record[offset..<offset + length])
            let questions = try JSONDecoder().decode([JobScreeningQuestion].self, from: Data(value))
            #expect(questions == byID[row.id]?.screeningQuestions)
            #expect(lean == Array(row.record[..<offset]) + Array(row.record[(offset + length)...]))
            #expect(String(decoding: row.record[..<offset], as: UTF8.self).hasSuffix(#","screening_questions":"#))
            #expect(row.hash == hexadecimal(SHA256.hash(data: value)))
        }
        #expect(Set(rows.compactMap(\.hash)).count == 3)
    }

    @Test(
        "every page serves the stored documents, whichever questions its jobs ask and whatever it starts after",
        arguments: Backend.allCases)
    func pages(_ backend: Backend) async throws {
        let (database, seeded, rows) = try await Self.savedJobs(backend)
        let integrationID = seeded.integration.id.description
        let records = seeded.store.records
        // One job saved before the columns existed (migration 37): read whole.
        try await Self.empty(database.sql, ids: [rows[3].id])
        // And the first job with its lean document alone gone, the other columns left: read
        // whole, and no job completed from it.
        try await database.sql.raw("UPDATE jobs SET page_record = NULL WHERE id = \(bind: rows[0].id)").run()
        let expected = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0.record) })
        let (_, key) = try await seeded.store.access.createAPIKey(workspaceID: seeded.workspace.id, name: "app")

        for limit in [1, 2, 3, 8, 20] {
            for start in [nil] + rows.map(\.id) {
                for filter in [RecordFilter(), RecordFilter(conditions: [.oneOf(column: "status", values: ["OPEN"])])] {
                    let listed = try await records.listDocuments(
                        Job.self, integrationID: integrationID, filter: filter, after: start, limit: limit)
                    let authenticated = try await records.authenticatedPage(
                        Job.self, apiKey: key, integrationID: integrationID, filter: filter, after: start,
                        limit: limit
                    ).page
                    let ids = Array(
                        rows.map(\.id).filter { id in
                            (start == nil || id > start!) && (filter.conditions.isEmpty || id != "job-5")
                        }
                        .prefix(limit))
                    for page in [listed, authenticated] {
                        #expect(page.items.map(\.id) == ids, "limit \(limit) after \(start ?? "-")")
                        for item in page.items {
                            #expect(
                                String(decoding: item.document, as: UTF8.self)
                                    == expected[item.id].map { String(decoding: $0, as: UTF8.self) },
                                "limit \(limit) after \(start ?? "-")")
                        }
                    }
                }
            }
        }
    }

    @Test("PostgreSQL reads whole only the page's first job and those whose questions are not the first's")
    func postgresSendsQuestionsOnce() async throws {
        let (_, seeded, rows) = try await Self.savedJobs(.postgres)
        let integrationID = seeded.integration.id.description
        let records = seeded.store.records

        let statement = records.pageStatement(
            Job.self, integrationID: integrationID, filter: RecordFilter(), after: rows[0].id, limit: 10, columns: [])
        let read = try await records.reads.raw("\(statement)").all()

        // After job 1: job 2 (the first set) is read whole; the second set's jobs 3 and 6, and
        // job 8 (no questions), differ from it; jobs 4, 5 and 7 are read without their questions.
        let whole = try read.filter { try !$0.decodeNil(column: "whole") }.map {
            try $0.decode(column: "id", as: String.self)
        }
        let firstHash = rows[1].hash
        #expect(whole == rows.dropFirst().filter { $0.id == rows[1].id || $0.hash != firstHash }.map(\.id))
        #expect(whole == ["job-2", "job-3", "job-6", "job-8"])
        for row in read {
            let id = try row.decode(column: "id", as: String.self)
            let stored = try #require(rows.first { $0.id == id })
            let document = try row.decode(column: "record", as: String.self)
            #expect(
                document == stored.lean.map { String(decoding: $0, as: UTF8.self) },
                "the lean document is read for every job: \(id)")
        }
    }

    @Test("on SQLite, whose pages read every job whole, neither a save nor a start fills the columns")
    func sqliteLeavesThemEmpty() async throws {
        let database = try await FreshDatabases.open(.sqlite)
        let seeded = try await SeededStore.make(database)
        let integrationID = seeded.integration.id.description

        try await seeded.store.records.saveJobs(Self.jobs(), integrationID: integrationID)
        let filled = try await seeded.store.records.backfillJobPageRecords()

        let rows = try await Self.stored(database.sql, integrationID)
        #expect(rows.count == 8)
        #expect(filled == 0)
        #expect(rows.allSatisfy { $0.lean == nil && $0.offset == nil && $0.length == nil && $0.hash == nil })
    }

    @Test("on PostgreSQL, jobs saved before the columns existed get them on start; a tombstone has none")
    func backfillAndTombstone() async throws {
        let (database, seeded, saved) = try await Self.savedJobs(.postgres)
        let integrationID = seeded.integration.id.description
        let records = seeded.store.records
        try await Self.empty(database.sql, ids: [saved[0].id, saved[5].id])

        let filled = try await records.backfillJobPageRecords()
        let again = try await records.backfillJobPageRecords()

        #expect(filled == 2)
        #expect(again == 0)
        let after = try await Self.stored(database.sql, integrationID)
        for (before, now) in zip(saved, after) {
            #expect(now.lean == before.lean && now.offset == before.offset && now.length == before.length)
            #expect(now.hash == before.hash)
        }

        try await records.markJobsDeleted(ids: [saved[1].id], integrationID: integrationID)
        let tombstoned = try await seeded.store.personalData.tombstone(
            Job.self, integrationID: integrationID, condition: "id = \(bind: saved[1].id)", hash: "v2:tombstone",
            now: 1)

        #expect(tombstoned.map(\.id) == [saved[1].id])
        let tombstone = try #require(try await Self.stored(database.sql, integrationID).first { $0.id == saved[1].id })
        #expect(tombstone.lean == nil && tombstone.offset == nil && tombstone.length == nil && tombstone.hash == nil)
        #expect(String(decoding: tombstone.record, as: UTF8.self).contains(#""screening_questions":[]"#))
        let (_, key) = try await seeded.store.access.createAPIKey(workspaceID: seeded.workspace.id, name: "app")
        let page = try await records.authenticatedPage(
            Job.self, apiKey: key, integrationID: integrationID, filter: RecordFilter(includeDeleted: true), after: nil,
            limit: 3
        ).page
        #expect(page.items.map(\.document) == [saved[0].record, tombstone.record, saved[2].record])
        // The next start fills the tombstone's columns from what it keeps.
        #expect(try await records.backfillJobPageRecords() == 1)
        let refilled = try #require(try await Self.stored(database.sql, integrationID).first { $0.id == saved[1].id })
        let offset = try #require(refilled.offset)
        #expect(String(decoding: refilled.record[offset..<offset + (refilled.length ?? 0)], as: UTF8.self) == "[]")
    }
}
