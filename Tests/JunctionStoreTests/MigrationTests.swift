import JunctionStore
import JunctionTestSupport
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
}
