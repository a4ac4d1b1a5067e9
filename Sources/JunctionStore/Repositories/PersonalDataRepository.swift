import Foundation
import JunctionModel
import SQLKit

/// How long data about people outlives its use; `docs/personal-data.md` lists what each
/// period covers. Zero means at once.
public struct RetentionPolicy: Sendable, Equatable {
    /// A record deleted upstream keeps its content this long (Kombo's 14 days), then becomes a
    /// tombstone: ids, timestamps and `remote_deleted_at`, every other field null.
    public var deletedRecords: TimeInterval = 14 * 86_400
    /// The activity log, the refused-request log and the attempt errors of webhook deliveries.
    public var logs: TimeInterval = 30 * 86_400
    /// Webhook events whose every delivery has ended (delivered or dead), with their history.
    public var webhookEvents: TimeInterval = 30 * 86_400
    /// Answers kept for `Idempotency-Key` retries (a created candidate's answer holds their
    /// data), and write claims.
    public var idempotentAnswers: TimeInterval = 86_400
    /// Connect links that expired (they name the end user's email).
    public var connectLinks: TimeInterval = 30 * 86_400

    public init() {}
}

/// What one retention pass removed.
public struct RetentionReport: Sendable, Equatable {
    /// Records made tombstones, per table.
    public var tombstoned: [String: Int] = [:]
    public var logEntries = 0
    public var webhookEvents = 0
    public var idempotentAnswers = 0
    public var writeClaims = 0
    public var connectLinks = 0

    public var total: Int {
        tombstoned.values.reduce(0, +) + logEntries + webhookEvents + idempotentAnswers + writeClaims + connectLinks
    }
}

/// What an erasure found and removed, per place (`table.column` → rows).
public struct ErasureReport: Sendable, Equatable, Codable {
    public var email: String
    /// Rows erased or deleted, per place.
    public var erased: [String: Int] = [:]
    /// Upstream records now erased here, per integration: Personio still holds them, and
    /// Junction will not copy them again.
    public var heldUpstream: [String: [String]] = [:]
    /// Places where the address was still found after the erasure (empty when it worked).
    public var remaining: [String] = []

    enum CodingKeys: String, CodingKey {
        case email, erased, remaining
        case heldUpstream = "held_upstream"
    }
}

/// Personal data's lifecycle in the store: retention passes and erasure on request.
public struct PersonalDataRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var personalData: PersonalDataRepository { PersonalDataRepository(store: self) }
}

extension PersonalDataRepository {
    /// The synced models, whose records retention turns into tombstones.
    static let syncedModels: [any SyncedRecord.Type] = [
        Job.self, ApplicationStage.self, Candidate.self, Application.self, User.self, ScreeningQuestion.self,
        JobStageLink.self, JobQuestionLink.self, Tag.self,
    ]

    /// What a tombstone keeps of a record, in its document and in its table's columns: the id,
    /// links to other records (`*_id`) and times (`*_at`).
    static func keeps(_ name: String) -> Bool {
        name == "id" || name.hasSuffix("_id") || name.hasSuffix("_at")
    }

    /// `content_hash` of a tombstone left by retention: a record seen again upstream is saved
    /// over it like any deleted record that comes back.
    public static let tombstoneHash = "v2:tombstone"
    /// `content_hash` of a record erased on request: syncs never write it again.
    public static let erasedHash = "v2:erased"

    /// A stored document as a tombstone: `id`, keys ending in `_id` or `_at` as they were, lists
    /// empty (the SDK's models require them), everything else, `remote_data` included, null.
    public static func tombstone(of document: String) throws -> String {
        guard case .object(let members) = try JSONValue.parse(Array(document.utf8)) else {
            throw StoreError.configuration("a stored record is not a JSON object")
        }
        var kept: [String: JSONValue] = [:]
        for (key, value) in members {
            if keeps(key) {
                kept[key] = value
            } else if case .array = value {
                kept[key] = .array([])
            } else {
                kept[key] = .null
            }
        }
        return String(decoding: try JSONValue.object(kept).encodedBytes(), as: UTF8.self)
    }

    /// One retention pass over every integration: records deleted upstream longer ago than the
    /// policy says become tombstones (`updated_at` moves, so clients reading `updated_after`
    /// erase their copies too), and logs, finished webhook events, idempotent answers and
    /// expired connect links past their periods are deleted.
    public func applyRetention(_ policy: RetentionPolicy, now: Date = Date()) async throws -> RetentionReport {
        var report = RetentionReport()
        let nowMilliseconds = Clock.milliseconds(now)
        func cutoff(_ period: TimeInterval) -> Int64 { Clock.milliseconds(now.addingTimeInterval(-period)) }
        let integrations = try await sql.raw("SELECT id FROM integrations ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
        for integrationID in integrations {
            for model in Self.syncedModels {
                let count = try await tombstone(
                    model, integrationID: integrationID,
                    condition:
                        "remote_deleted_at IS NOT NULL AND remote_deleted_at <= \(bind: cutoff(policy.deletedRecords))",
                    hash: Self.tombstoneHash, now: nowMilliseconds
                ).count
                if count > 0 { report.tombstoned[model.table, default: 0] += count }
            }
        }
        let logs = cutoff(policy.logs)
        report.logEntries += try await counting("DELETE FROM activity_log WHERE created_at < \(bind: logs)")
        report.logEntries += try await counting("DELETE FROM request_log WHERE created_at < \(bind: logs)")
        try await sql.raw(
            "UPDATE webhook_attempts SET error = NULL WHERE error IS NOT NULL AND attempted_at < \(bind: logs)"
        ).run()
        // An event goes once none of its deliveries can still be sent or redelivered soon.
        report.webhookEvents = try await counting(
            """
            DELETE FROM webhook_events WHERE created_at < \(bind: cutoff(policy.webhookEvents))
              AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id
                AND d.state = 'PENDING')
            """)
        report.idempotentAnswers = try await counting(
            "DELETE FROM idempotency_keys WHERE created_at < \(bind: cutoff(policy.idempotentAnswers))")
        // A claim guards one write while it runs (stale after five minutes); the store's own
        // duplicate check covers a created application from then on.
        report.writeClaims = try await counting(
            "DELETE FROM write_claims WHERE created_at < \(bind: cutoff(policy.idempotentAnswers))")
        report.connectLinks = try await counting(
            "DELETE FROM connect_links WHERE expires_at < \(bind: cutoff(policy.connectLinks))")
        return report
    }

    /// Turns an integration's records of `model` matching `condition` into tombstones marked
    /// `hash`, emptying the columns that copy their fields; returns the records' ids.
    func tombstone(
        _ model: any SyncedRecord.Type, integrationID: String, condition: SQLQueryString, hash: String, now: Int64
    ) async throws -> [(id: String, remoteID: String?)] {
        let table = model.table
        // A tombstone keeps none of its record's shared member (`SyncedRecord.sharedMember`), nor
        // the document without it that pages read.
        let cleared =
            model.filterColumns.filter { !Self.keeps($0) } + (model.summaryKeys == nil ? [] : ["summary"])
            + (model.sharedMember == nil ? [] : RecordRepository.SharedValue.columns)
        return try await database.transaction { connection in
            let rows = try await connection.raw(
                """
                SELECT id, remote_id, record, remote_deleted_at FROM \(unsafeRaw: table)
                WHERE integration_id = \(bind: integrationID) AND content_hash <> \(bind: hash)
                  AND content_hash <> \(bind: Self.erasedHash) AND (\(condition))
                """
            ).all()
            var tombstoned: [(id: String, remoteID: String?)] = []
            if !rows.isEmpty {
                try await model.willChange(
                    ids: try rows.map { try $0.decode(column: "id", as: String.self) }, integrationID: integrationID,
                    on: connection)
            }
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                tombstoned.append((id, try row.decode(column: "remote_id", as: String?.self)))
                let document = try Self.tombstone(of: try row.decode(column: "record", as: String.self))
                let deletedAt = try row.decode(column: "remote_deleted_at", as: Int64?.self) ?? now
                var update = connection.update(table).set("record", to: document).set("content_hash", to: hash)
                    .set("nested_hash", to: hash).set("updated_at", to: now).set("remote_deleted_at", to: deletedAt)
                for column in cleared { update = update.set(column, to: SQLLiteral.null) }
                if let composed = model.composedColumn {
                    // A kept nested object may copy the person (an application's `candidate`);
                    // the stamp refuses one a pass composed before this.
                    update = update.set(composed, to: SQLLiteral.null)
                        .set("nested_stamp", to: SQLRaw("nested_stamp + 1"))
                }
                try await update.where("integration_id", .equal, integrationID).where("id", .equal, id).run()
            }
            if table == JunctionModel.Application.table {
                try await JunctionModel.Application.listUncomposed(
                    ids: tombstoned.map(\.id), integrationID: integrationID, on: connection)
            }
            return tombstoned
        }
    }

    /// Runs an `UPDATE` or `DELETE` and returns how many rows it touched.
    private func counting(_ statement: SQLQueryString) async throws -> Int {
        var returning = statement
        returning.appendLiteral(" RETURNING 1 AS one")
        let counted = returning
        return try await database.transaction { connection in try await connection.raw(counted).all().count }
    }
}

extension PersonalDataRepository {
    /// Erases everything the store holds about the person with `email` (any case) in
    /// `workspaceID`, or in every workspace when nil: their candidates and those candidates'
    /// applications become tombstones that syncs never fill again, users with the address too;
    /// the address leaves integrations and connect links; log entries, webhook events,
    /// idempotent answers and field samples that mention it are deleted or emptied. Personio is
    /// never touched. Finally every text column of every table is searched for the address, and
    /// what still holds it is reported as `remaining`.
    public func erase(email: String, workspaceID: String?, now: Date = Date()) async throws -> ErasureReport {
        let address = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard address.contains("@"), address.count >= 3 else {
            throw StoreError.configuration("email must be an email address, not '\(email)'")
        }
        var report = ErasureReport(email: address)
        let pattern = "%" + RecordRepository.escapeLike(address) + "%"
        let like = SQLQueryString("LIKE \(bind: pattern) ESCAPE '\\'")
        let nowMilliseconds = Clock.milliseconds(now)
        let scope = workspaceID.map { SQLQueryString("workspace_id = \(bind: $0)") } ?? SQLQueryString("1 = 1")
        let endpointScope =
            workspaceID.map { SQLQueryString("e.workspace_id = \(bind: $0)") } ?? SQLQueryString("1 = 1")
        let integrations = try await sql.raw("SELECT id FROM integrations WHERE \(scope) ORDER BY id").all()
            .map { try $0.decode(column: "id", as: String.self) }
        for integrationID in integrations {
            func erase(_ model: any SyncedRecord.Type, where condition: SQLQueryString) async throws
                -> [(id: String, remoteID: String?)]
            {
                let erased = try await tombstone(
                    model, integrationID: integrationID, condition: condition, hash: Self.erasedHash,
                    now: nowMilliseconds)
                if !erased.isEmpty { report.erased["\(model.table).record", default: 0] += erased.count }
                return erased
            }
            let byAddress: SQLQueryString = "LOWER(email) = \(bind: address) OR LOWER(record) \(like)"
            let candidates = try await erase(Candidate.self, where: byAddress)
            let ofCandidates: SQLQueryString =
                candidates.isEmpty ? "" : " OR candidate_id IN \(SQLBind.group(candidates.map(\.id)))"
            let applications = try await erase(Application.self, where: "LOWER(record) \(like)\(ofCandidates)")
            _ = try await erase(User.self, where: byAddress)
            // What Personio still holds: the erased candidates and applications, by Personio id.
            let held =
                candidates.compactMap(\.remoteID).map { "candidate \($0)" }
                + applications.compactMap(\.remoteID).map { "application \($0)" }
            if !held.isEmpty { report.heldUpstream[integrationID] = held }
            let samples = try await counting(
                """
                UPDATE integration_fields SET samples = '[]' WHERE integration_id = \(bind: integrationID)
                  AND LOWER(samples) \(like)
                """)
            if samples > 0 { report.erased["integration_fields.samples", default: 0] += samples }
            let activity = try await counting(
                """
                DELETE FROM activity_log WHERE integration_id = \(bind: integrationID)
                  AND (LOWER(path) \(like) OR LOWER(error) \(like))
                """)
            if activity > 0 { report.erased["activity_log", default: 0] += activity }
            let runs = try await counting(
                """
                UPDATE sync_runs SET error = NULL WHERE integration_id = \(bind: integrationID) AND LOWER(error) \(like)
                """)
            if runs > 0 { report.erased["sync_runs.error", default: 0] += runs }
        }
        let workspaceScoped: [(place: String, statement: SQLQueryString)] = [
            (
                "integrations.end_user_email",
                "UPDATE integrations SET end_user_email = NULL WHERE \(scope) AND LOWER(end_user_email) = \(bind: address)"
            ),
            (
                "connect_links.end_user_email",
                "UPDATE connect_links SET end_user_email = NULL WHERE \(scope) AND LOWER(end_user_email) = \(bind: address)"
            ),
            ("webhook_events", "DELETE FROM webhook_events WHERE \(scope) AND LOWER(payload) \(like)"),
            ("idempotency_keys", "DELETE FROM idempotency_keys WHERE \(scope) AND LOWER(response) \(like)"),
            (
                "request_log",
                "DELETE FROM request_log WHERE \(scope) AND (LOWER(path) \(like) OR LOWER(error_message) \(like))"
            ),
            (
                "webhook_attempts.error",
                """
                UPDATE webhook_attempts SET error = NULL WHERE LOWER(error) \(like) AND delivery_id IN (
                  SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                  WHERE \(endpointScope))
                """
            ),
        ]
        for (place, statement) in workspaceScoped {
            let count = try await counting(statement)
            if count > 0 { report.erased[place, default: 0] += count }
        }
        report.remaining = try await places(containing: address, workspaceID: workspaceID)
        return report
    }

    /// Every `table.column` of text whose value holds `text` (any case), within `workspaceID`'s
    /// integrations where the table belongs to integrations or workspaces: the schema is read
    /// from the database, so a column added later is searched too.
    public func places(containing text: String, workspaceID: String?) async throws -> [String] {
        let needle = text.lowercased()
        let pattern = "%" + RecordRepository.escapeLike(needle) + "%"
        var found: [String] = []
        for (table, columns) in try await schema() {
            let names = Set(columns.map(\.name))
            var scope: SQLQueryString = "1 = 1"
            if let workspaceID {
                if names.contains("workspace_id") {
                    scope = "workspace_id = \(bind: workspaceID)"
                } else if names.contains("integration_id") {
                    scope = "integration_id IN (SELECT id FROM integrations WHERE workspace_id = \(bind: workspaceID))"
                }
            }
            for column in columns where column.type == "text" {
                let hit = try await sql.raw(
                    """
                    SELECT 1 AS one FROM \(unsafeRaw: table) WHERE (\(scope))
                      AND LOWER(\(unsafeRaw: column.name)) LIKE \(bind: pattern) ESCAPE '\\' LIMIT 1
                    """
                ).first()
                if hit != nil { found.append("\(table).\(column.name)") }
            }
        }
        return found
    }

    /// Every table of the schema (but the migrations' own) with its columns and their types
    /// (`text`, `integer` or `other`), read from the database itself.
    public func schema() async throws -> [(table: String, columns: [(name: String, type: String)])] {
        let tables: [String]
        switch database.kind {
        case .sqlite:
            tables = try await sql.raw(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            ).all().map { try $0.decode(column: "name", as: String.self) }
        case .postgres:
            tables = try await sql.raw(
                """
                SELECT table_name AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name
                """
            ).all().map { try $0.decode(column: "name", as: String.self) }
        }
        var result: [(table: String, columns: [(name: String, type: String)])] = []
        for table in tables where table != "schema_migrations" {
            result.append((table, try await columns(of: table)))
        }
        return result
    }

    private func columns(of table: String) async throws -> [(name: String, type: String)] {
        func kind(_ declared: String) -> String {
            let type = declared.lowercased()
            if type.contains("text") || type.contains("char") { return "text" }
            if type.contains("int") { return "integer" }
            return "other"
        }
        switch database.kind {
        case .sqlite:
            return try await sql.raw("SELECT name, type FROM pragma_table_info(\(bind: table)) ORDER BY cid").all()
                .map {
                    (
                        try $0.decode(column: "name", as: String.self),
                        kind(try $0.decode(column: "type", as: String.self))
                    )
                }
        case .postgres:
            return try await sql.raw(
                """
                SELECT column_name AS name, data_type AS type FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
                """
            ).all()
                .map {
                    (
                        try $0.decode(column: "name", as: String.self),
                        kind(try $0.decode(column: "type", as: String.self))
                    )
                }
        }
    }
}

extension ErasureReport {
    /// The report as a person reads it.
    public var lines: [String] {
        var lines = ["Erased what Junction held about \(email):"]
        if erased.isEmpty { lines.append("  nothing was found") }
        for place in erased.keys.sorted() { lines.append("  \(place): \(erased[place]!)") }
        for integration in heldUpstream.keys.sorted() {
            let records = heldUpstream[integration]!
            lines.append(
                "Personio still holds, for integration \(integration) (erased here, never copied again): "
                    + records.joined(separator: ", "))
        }
        if remaining.isEmpty {
            lines.append("Checked: no text column of any table holds the address any more.")
        } else {
            lines.append("STILL FOUND in: " + remaining.joined(separator: ", "))
        }
        return lines
    }
}
