import Logging
import SQLKit

/// One append-only schema step, in a file of its own (`NNN_Name.swift`, in order). Never edit a
/// migration that has shipped; add the next one.
///
/// Column types stay within what SQLite and PostgreSQL both read the same way: `TEXT`, `BIGINT`
/// (timestamps are epoch milliseconds, which sort and compare identically in both), and JSON
/// documents kept as `TEXT`. A step that needs dialect-specific SQL branches on `kind`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let statements: @Sendable (Database.Kind) -> [String]
    /// Run after `statements`, in the same transaction, for a step whose SQL depends on what the
    /// database holds (a value read first).
    public let body: (@Sendable (Database.Kind, any SQLDatabase) async throws -> Void)?

    public init(
        version: Int, name: String, statements: @escaping @Sendable (Database.Kind) -> [String],
        body: (@Sendable (Database.Kind, any SQLDatabase) async throws -> Void)? = nil
    ) {
        self.version = version
        self.name = name
        self.statements = statements
        self.body = body
    }

    public init(version: Int, name: String, _ statements: [String]) {
        self.init(version: version, name: name) { _ in statements }
    }
}

/// Applies the known migrations that a database lacks, each in its own transaction.
///
/// Safe to run from several processes at once: on PostgreSQL the whole run holds a session
/// advisory lock; on SQLite each step is an `IMMEDIATE` transaction that rechecks the applied
/// versions, so a step another process has just applied is skipped.
public struct Migrator: Sendable {
    public static let all: [Migration] = [
        .createWorkspaces, .createAPIKeys, .createIntegrations, .createJobs, .updateJobsAddLastSeenRun, .createSyncRuns,
        .createApplicationStages, .createCandidates, .createApplications, .createUsers,
        .updateRecordsAddNestedHash, .createScreeningQuestionsAndJobLinks, .createTags, .createWriteGuards,
        .createConnectAndFields, .createWebhooks, .createRequestLog, .createDashboardSessions,
        .addJobsNameFolded,
        .addConnectLinksTool,
        .addConnectLinksSandboxURL,
        .createSyncSchedule,
        .addWebhookDeliveriesRoundStart,
        .addSyncScheduleActive,
        .maskPersonalFieldSamples,
        .hashWriteClaims,
        .addApplicationsSummary,
        .indexJobStagesByStage,
        .addCandidatesNestedApplications,
        .addApplicationsNestedObjects,
        .indexProjectedFields,
        .compressDocumentsWithLZ4,
        .indexMissingNestedInRowOrder,
        .keepJobDocumentsInline,
        .deferSyncedRecordForeignKeys,
        .keepApplicationDocumentsInline,
        .addJobsSharedMember,
        .listUncomposedApplications,
    ]

    /// Key of the PostgreSQL advisory lock held while migrating ("junction" in ASCII).
    static let advisoryLockKey: Int64 = 0x6A75_6E63_7469_6F6E

    let database: Database
    let migrations: [Migration]
    let logger: Logger

    public init(database: Database, migrations: [Migration] = Migrator.all, logger: Logger) {
        precondition(
            migrations.map(\.version) == Array(1...migrations.count),
            "migrations must be numbered 1, 2, 3, … without gaps")
        self.database = database
        self.migrations = migrations
        self.logger = logger
    }

    /// Brings the schema up to date; returns the versions this call applied.
    @discardableResult
    public func migrate() async throws -> [Int] {
        switch database.kind {
        case .postgres:
            return try await database.sql.withSession { session in
                try await session.raw("SELECT pg_advisory_lock(\(bind: Self.advisoryLockKey))").run()
                do {
                    let applied = try await applyMissing(on: session)
                    try await session.raw("SELECT pg_advisory_unlock(\(bind: Self.advisoryLockKey))").run()
                    return applied
                } catch {
                    try? await session.raw("SELECT pg_advisory_unlock(\(bind: Self.advisoryLockKey))").run()
                    throw error
                }
            }
        case .sqlite:
            return try await database.withWriteGate {
                try await database.sql.withSession { session in try await applyMissing(on: session) }
            }
        }
    }

    /// The versions recorded as applied, ascending.
    public func appliedVersions() async throws -> [Int] {
        try await createLedger(on: database.sql)
        return try await appliedVersions(on: database.sql)
    }

    private func applyMissing(on session: any SQLDatabase) async throws -> [Int] {
        try await createLedger(on: session)
        var appliedNow: [Int] = []
        let known = migrations.count
        if let newest = try await appliedVersions(on: session).last, newest > known {
            throw StoreError.newerSchema(applied: newest, known: known)
        }
        for migration in migrations {
            let begin = database.kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
            try await session.raw(SQLQueryString(begin)).run()
            do {
                // Rechecked inside the transaction: another process may have applied it meanwhile.
                let alreadyApplied = try await session.raw(
                    "SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)"
                ).first()
                if alreadyApplied == nil {
                    for statement in migration.statements(database.kind) {
                        try await session.raw(SQLQueryString(statement)).run()
                    }
                    try await migration.body?(database.kind, session)
                    try await session.raw(
                        """
                        INSERT INTO schema_migrations (version, name, applied_at)
                        VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Clock.nowMilliseconds()))
                        """
                    ).run()
                    appliedNow.append(migration.version)
                    logger.info(
                        "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                }
                try await session.raw("COMMIT").run()
            } catch {
                try? await session.raw("ROLLBACK").run()
                throw error
            }
        }
        return appliedNow
    }

    private func createLedger(on session: any SQLDatabase) async throws {
        try await session.raw(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at BIGINT NOT NULL
            )
            """
        ).run()
    }

    private func appliedVersions(on session: any SQLDatabase) async throws -> [Int] {
        try await session.raw("SELECT version FROM schema_migrations ORDER BY version").all()
            .map { try $0.decode(column: "version", as: Int.self) }
    }
}
