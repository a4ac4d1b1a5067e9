import JunctionModel
import JunctionStore
import JunctionTestSupport
import SQLKit
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

    @Test("on PostgreSQL, the documents pages read are compressed with lz4, and stored jobs are rewritten with it")
    func documentsCompressedWithLZ4() async throws {
        let database = try await FreshDatabases.open(.postgres, migrated: false)
        let before = Array(Migrator.all.prefix { $0.version < 32 })
        _ = try await Migrator(database: database, migrations: before, logger: quietLogger).migrate()
        let seeded = try await SeededStore.make(database)
        var jobs = sampleJobs(3, integrationID: seeded.integration.id)
        // Over PostgreSQL's 2 KB threshold and compressible, so the server compresses it.
        for index in jobs.indices {
            jobs[index].description = String(repeating: "Requirements: Swift, SQL, care. ", count: 200)
        }
        try await seeded.store.records.saveJobs(jobs, integrationID: seeded.integration.id.description)
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

        _ = try await Migrator(database: database, logger: quietLogger).migrate()

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
}
