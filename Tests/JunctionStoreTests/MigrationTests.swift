import Foundation
import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
import Synchronization
import Testing

@Suite("Migrations", .freshDatabases)
struct MigrationTests {
    @Test(
        "an empty database is migrated to the newest version, and a second run applies nothing",
        arguments: Backend.allCases)
    func migratesIdempotently(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend, migrated: false)
        let migrator = Migrator(database: database, logger: quietLogger)

        let first = try await migrator.migrate()
        let second = try await migrator.migrate()

        #expect(first == Array(1...Migrator.all.count))
        #expect(second == [])
        #expect(try await migrator.appliedVersions() == Array(1...Migrator.all.count))
    }

    @Test(
        "instances migrating one database at the same moment apply each step exactly once", arguments: Backend.allCases)
    func concurrentMigrators(backend: Backend) async throws {
        let location = try await freshDatabaseLocation(backend)
        try await withSeparatePools(4, on: location) { databases in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for database in databases {
                    group.addTask { try await Migrator(database: database, logger: quietLogger).migrate() }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }

            #expect(applied.sorted() == Array(1...Migrator.all.count))
            #expect(
                try await Migrator(database: databases[0], logger: quietLogger).appliedVersions()
                    == Array(1...Migrator.all.count))
        }
    }

    @Test("a database migrated by a newer build is refused, not silently used", arguments: Backend.allCases)
    func refusesNewerSchema(backend: Backend) async throws {
        let database = try await FreshDatabases.open(backend)
        try await database.sql.raw(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'Future', 0)"
        ).run()

        await #expect(throws: StoreError.newerSchema(applied: 999, known: Migrator.all.count)) {
            try await Migrator(database: database, logger: quietLogger).migrate()
        }
    }

    /// Applies the migrations before `version` to `database`.
    static func migrate(_ database: Database, before version: Int) async throws {
        let steps = Array(Migrator.all.prefix { $0.version < version })
        _ = try await Migrator(database: database, migrations: steps, logger: quietLogger).migrate()
    }

    /// Stores `jobs` as a build of a schema's time did: this build's saves write the columns of
    /// steps after it (migration 37's), which a test of an earlier step's schema has not added.
    /// The document is the job's JSON; what the tests check is where a row keeps it.
    static func insertJobs(_ jobs: [Job], integrationID: String, into database: Database) async throws {
        for job in jobs {
            let document = String(decoding: try JSONEncoder().encode(job), as: UTF8.self)
            try await database.sql.raw(
                """
                INSERT INTO jobs (integration_id, id, remote_id, changed_at, updated_at, content_hash, record)
                VALUES (\(bind: integrationID), \(bind: job.id), \(bind: job.remoteID), 0, 0, '', \(bind: document))
                """
            ).run()
        }
    }

    /// A fresh PostgreSQL database as the migrations before `version` left it, with an integration.
    static func seededPostgres(before version: Int) async throws -> (Database, SeededStore) {
        let database = try await FreshDatabases.open(.postgres, migrated: false)
        try await migrate(database, before: version)
        return (database, try await SeededStore.make(database))
    }

    @Test("on PostgreSQL, the documents pages read are compressed with lz4, and stored jobs are rewritten with it")
    func documentsCompressedWithLZ4() async throws {
        let (database, seeded) = try await Self.seededPostgres(before: 32)
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        // Over PostgreSQL's 2 KB threshold and compressible, so the server compresses it.
        for index in jobs.indices {
            jobs[index].description = String(repeating: "Requirements: Swift, SQL, care. ", count: 200)
        }
        try await Self.insertJobs(jobs, integrationID: seeded.integration.id.description, into: database)
        func methods() async throws -> [String?] {
            try await database.sql.raw("SELECT pg_column_compression(record) AS method FROM jobs ORDER BY id")
                .all().map { try $0.decode(column: "method", as: String?.self) }
        }
        let stored = try await methods()
        let lz4Available = try #require(
            try await database.sql.raw(
                """
                SELECT CAST(CASE WHEN 'lz4' = ANY (enumvals) THEN 1 ELSE 0 END AS BIGINT) AS available
                FROM pg_settings WHERE name = 'default_toast_compression'
                """
            ).first()
        ).decode(column: "available", as: Int64.self)

        // Up to the next step, which keeps jobs' documents under 8 KB in their rows uncompressed.
        try await Self.migrate(database, before: 34)

        let rewritten = try await methods()
        let columns = try await database.sql.raw(
            """
            SELECT c.relname || '.' || a.attname AS name, a.attcompression AS method
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relname IN ('jobs', 'candidates', 'applications')
              AND a.attname IN ('record', 'nested_applications', 'summary', 'nested_objects')
            ORDER BY 1
            """
        ).all().map {
            (try $0.decode(column: "name", as: String.self), try $0.decode(column: "method", as: String.self))
        }
        #expect(lz4Available == 1, "the test's PostgreSQL (Debian's) is built with lz4")
        #expect(stored == ["pglz", "pglz", "pglz"])
        #expect(rewritten == ["lz4", "lz4", "lz4"])
        #expect(
            columns.map(\.0) == [
                "applications.nested_objects", "applications.record", "applications.summary",
                "candidates.nested_applications", "candidates.record", "jobs.record",
            ])
        #expect(columns.allSatisfy { $0.1 == "l" }, "\(columns)")
    }

    @Test("on PostgreSQL, jobs' documents stay in their rows, stored jobs' moved in, new ones kept there")
    func jobDocumentsInline() async throws {
        let (database, seeded) = try await Self.seededPostgres(before: 34)
        let integrationID = seeded.integration.id.description
        // About 10 KB of words drawn at random from a few dozen, over the 8 KB a row holds as it
        // is, and compressed to well over PostgreSQL's 2 KB threshold, as jobs' 9 KB are.
        let vocabulary = [
            "engineer", "platform", "customers", "Berlin", "hybrid", "benefits", "responsibilities", "team",
            "distributed", "systems", "reliability", "mentoring", "interviews", "hiring", "onboarding", "product",
            "requirements", "experience", "languages", "databases", "observability", "security", "growth", "salary",
            "vacation", "equipment", "learning", "budget", "community", "diversity", "flexible", "remote",
        ]
        var state: UInt64 = 42
        func words(_ count: Int) -> String {
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return vocabulary[Int(state >> 59)]
            }.joined(separator: " ")
        }
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        for index in jobs.indices { jobs[index].description = words(1_000) }
        try await Self.insertJobs(Array(jobs.prefix(2)), integrationID: integrationID, into: database)
        let toast = try #require(
            try await database.sql.raw(
                "SELECT CAST(reltoastrelid::regclass AS TEXT) AS toast FROM pg_class WHERE relname = 'jobs'"
            ).first()
        ).decode(column: "toast", as: String.self)
        func pieces() async throws -> Int {
            try #require(try await database.sql.raw("SELECT count(*) AS n FROM \(unsafeRaw: toast)").first())
                .decode(column: "n", as: Int.self)
        }
        let piecesBefore = try await pieces()

        _ = try await Migrator(database: database, logger: quietLogger).migrate()
        let piecesAfter = try await pieces()
        try await seeded.store.records.saveJobs([jobs[2]], integrationID: integrationID)
        let stored = try await database.sql.raw(
            "SELECT pg_column_size(record) AS size, octet_length(record) AS length FROM jobs ORDER BY id"
        ).all().map { (try $0.decode(column: "size", as: Int.self), try $0.decode(column: "length", as: Int.self)) }

        #expect(piecesBefore > 0, "out of line before the step")
        #expect(piecesAfter == 0)
        #expect(try await pieces() == 0, "a job saved after the step stays in its row")
        #expect(stored.count == 3)
        #expect(stored.allSatisfy { $0.0 > 2_048 && $0.0 < $0.1 }, "compressed, over 2 KB: \(stored)")
    }

    /// Saves 20 applications of about 1.5 KB of little-compressible document to `seeded`'s
    /// integration and keeps their nested objects (0.6 KB each, as a sync's keep does); returns
    /// how many values the applications' TOAST table holds afterwards.
    static func applicationsWithKeptObjects(_ database: Database, _ seeded: SeededStore) async throws -> Int {
        let integrationID = seeded.integration.id.description
        var generator = SeededGenerator(seed: 36)
        let alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")
        func text(_ count: Int) -> String {
            String((0..<count).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        }
        let applications = (1...20).map { index in
            var application = Application(
                id: Identifier.record(integrationID: integrationID, model: "applications", remoteID: "\(index)"),
                remoteID: "\(index)")
            application.remoteData = ["notes": .string(text(1_500))]
            return application
        }
        try await seeded.store.records.saveRecords(applications, integrationID: integrationID)
        let kept = try await seeded.store.records.keepComposed(
            Application.self, applications.map { ($0.id, 0, Array("{\"candidate\":\"\(text(600))\"}".utf8)) },
            integrationID: integrationID)
        #expect(kept == applications.count)
        let toast = try #require(
            try await database.sql.raw(
                "SELECT CAST(reltoastrelid::regclass AS TEXT) AS toast FROM pg_class WHERE relname = 'applications'"
            ).first()
        ).decode(column: "toast", as: String.self)
        return try #require(
            try await database.sql.raw("SELECT count(DISTINCT chunk_id) AS n FROM \(unsafeRaw: toast)").first()
        ).decode(column: "n", as: Int.self)
    }

    @Test("on PostgreSQL, an application's document stays in its row when its nested objects are kept")
    func applicationDocumentsInline() async throws {
        let (before, seededBefore) = try await Self.seededPostgres(before: 36)
        // This build's saves and keeps list applications left to compose (migration 38).
        try await before.sql.raw(
            """
            CREATE TABLE applications_uncomposed (
                integration_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (integration_id, id))
            """
        ).run()
        let database = try await FreshDatabases.open(.postgres)
        let seeded = try await SeededStore.make(database)

        let outOfLine = try await Self.applicationsWithKeptObjects(before, seededBefore)
        let inLine = try await Self.applicationsWithKeptObjects(database, seeded)
        let storage = try await database.sql.raw(
            """
            SELECT count(*) FILTER (WHERE attstorage <> 'm') AS n FROM pg_attribute
            WHERE attrelid = 'applications'::regclass AND attnum > 0 AND NOT attisdropped
              AND atttypid = 'text'::regtype
            """
        ).first()?.decode(column: "n", as: Int.self)

        // Before the step each kept row moved its document out of line; after it, none.
        #expect(outOfLine == 20)
        #expect(inLine == 0)
        #expect(storage == 0, "every text column of the table is MAIN")
    }

    @Test("on PostgreSQL, the applications left to compose are listed on upgrade, and their partial index dropped")
    func uncomposedListedOnUpgrade() async throws {
        let (database, seeded) = try await Self.seededPostgres(before: 38)
        let integrationID = seeded.integration.id.description
        // As a build of that schema stored them: two left to compose, one kept.
        for (id, objects) in [("app-1", nil), ("app-2", "{}"), ("app-3", nil)] as [(String, String?)] {
            try await database.sql.raw(
                """
                INSERT INTO applications (integration_id, id, remote_id, changed_at, updated_at, content_hash, record,
                    nested_objects)
                VALUES (\(bind: integrationID), \(bind: id), \(bind: id), 0, 0, '', '{}', \(bind: objects))
                """
            ).run()
        }

        _ = try await Migrator(database: database, logger: quietLogger).migrate()
        let listed = try await database.sql.raw("SELECT id FROM applications_uncomposed ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
        let indexes = try await database.sql.raw(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'applications' ORDER BY indexname"
        ).all().map { try $0.decode(column: "indexname", as: String.self) }
        let options = try await database.sql.raw(
            "SELECT array_to_string(reloptions, ',') AS options FROM pg_class WHERE relname = 'applications'"
        ).first()?.decode(column: "options", as: String?.self)

        #expect(listed == ["app-1", "app-3"])
        #expect(!indexes.contains("applications_nested_missing"))
        #expect(indexes.contains("applications_candidate"))
        #expect(options == "fillfactor=60")
    }

    @Test(
        "on SQLite, a synced record's integration is checked at commit, also on a connection opened before the step"
    )
    func syncedForeignKeysDeferred() async throws {
        let location = try await freshDatabaseLocation(.sqlite)
        try await withSeparatePools(2, on: location) { databases in
            let (migrating, other) = (databases[0], databases[1])
            try await Self.migrate(migrating, before: 35)
            let seeded = try await SeededStore.make(migrating)
            try await Self.insertJobs(
                sampleJobs(3, integrationID: seeded.integration.id), integrationID: seeded.integration.id.description,
                into: migrating)
            // The other pool's connection reads the tables' definitions before the step.
            _ = try await other.transaction { try await $0.raw("SELECT count(*) AS n FROM jobs").all() }

            _ = try await Migrator(database: migrating, logger: quietLogger).migrate()
            let inserted = Mutex(false)
            let failure = await #expect(throws: (any Error).self) {
                try await other.transaction { connection in
                    try await connection.raw(
                        """
                        INSERT INTO jobs (integration_id, id, remote_id, changed_at, updated_at, content_hash, record)
                        VALUES ('missing', 'a', 'a', 0, 0, '', '{}'), ('missing', 'b', 'b', 0, 0, '', '{}')
                        """
                    ).run()
                    inserted.withLock { $0 = true }
                }
            }
            let definitions = try await other.sql.raw(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%REFERENCES integrations%'"
            ).all().map {
                (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String.self))
            }
            let integrity = try await other.sql.raw("PRAGMA integrity_check").all()
                .map { try $0.decode(column: "integrity_check", as: String.self) }
            let jobs = try #require(try await other.sql.raw("SELECT count(*) AS n FROM jobs").first())
                .decode(column: "n", as: Int.self)

            #expect(inserted.withLock { $0 }, "the rows are inserted; the key is checked at commit")
            #expect("\(failure.map { String(reflecting: $0) } ?? "")".contains("FOREIGN KEY constraint failed"))
            #expect(jobs == 3, "the failed commit stored nothing; the step kept the stored jobs")
            #expect(integrity == ["ok"])
            let synced = Set([
                "jobs", "application_stages", "candidates", "applications", "users",
                "screening_questions", "tags", "job_stages", "job_screening_questions",
            ])
            #expect(Set(definitions.map(\.0)).isSuperset(of: synced))
            for (name, sql) in definitions {
                #expect(
                    sql.contains("ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED") == synced.contains(name),
                    "\(name): \(sql)")
            }
        }
    }
}
