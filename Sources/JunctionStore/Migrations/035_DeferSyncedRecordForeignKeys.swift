import SQLKit

extension Migration {
    /// On SQLite, the synced tables check that their integration exists when a transaction
    /// commits instead of at each statement (`DEFERRABLE INITIALLY DEFERRED`).
    ///
    /// A statement that writes several rows and may stop halfway with an error makes SQLite keep
    /// a statement journal: the old content of every page it changes, so that the statement
    /// alone can be undone. An immediate foreign key makes every multi-row insert such a
    /// statement. A FULL's saves wrote about 3 GB of statement journals to temporary files at
    /// 100,000 candidates, 9% of its CPU (`benchmarks/analysis.md`, twenty-ninth stop). A
    /// deferred key is counted and checked at `COMMIT`, which fails the same way and rolls the
    /// whole save back, so nothing a save may write changes; the saves' inserts of new records
    /// (`INSERT OR FAIL`, `RecordRepository.store`) then need no statement journal.
    ///
    /// SQLite cannot alter a constraint, and rebuilding the tables would copy every stored
    /// record. A foreign key's deferral does not change how a row is stored, so this edits the
    /// tables' definitions in `sqlite_schema` as SQLite's documentation describes for such
    /// changes: with `writable_schema` on, then a new schema version so every open connection
    /// reads the definitions again. PostgreSQL needs nothing: it keeps no statement journal.
    static let deferSyncedRecordForeignKeys = Migration(
        version: 35, name: "DeferSyncedRecordForeignKeys", statements: { _ in [] },
        body: { kind, session in
            guard kind == .sqlite else { return }
            let tables = syncedRecordTables.map { "'\($0)'" }.joined(separator: ", ")
            let version = try await session.raw("PRAGMA schema_version").first()?
                .decode(column: "schema_version", as: Int.self)
            guard let version else { throw StoreError.corruptRow(table: "sqlite_schema", detail: "no schema version") }
            try await session.raw("PRAGMA writable_schema = ON").run()
            try await session.raw(
                """
                UPDATE sqlite_schema
                SET sql = replace(sql, \(bind: immediateForeignKey), \(bind: deferredForeignKey))
                WHERE type = 'table' AND name IN (\(unsafeRaw: tables)) AND instr(sql, \(bind: deferredForeignKey)) = 0
                """
            ).run()
            try await session.raw("PRAGMA schema_version = \(unsafeRaw: String(version + 1))").run()
            try await session.raw("PRAGMA writable_schema = OFF").run()
        })

    /// The tables `RecordRepository.store` saves synced records into.
    static let syncedRecordTables = [
        "jobs", "application_stages", "candidates", "applications", "users", "screening_questions", "tags",
        "job_stages", "job_screening_questions",
    ]
    static let immediateForeignKey = "REFERENCES integrations (id) ON DELETE CASCADE"
    static let deferredForeignKey = "REFERENCES integrations (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
}
