import Foundation
import JunctionModel
import SQLKit

extension RecordRepository {
    /// Composes and keeps the `applications` array of the integration's candidates that have
    /// none (`Candidate.composedColumn`), `batch` candidates per statement; returns how many were
    /// kept. A candidate's save composes its own array; a sync calls this at its end for the
    /// arrays a later change emptied, so the pages that follow copy them.
    @discardableResult
    public func storeNestedApplications(integrationID: String, batch: Int = 500) async throws -> Int {
        try await storeComposed(Candidate.self, integrationID: integrationID, batch: batch) { ids, sql in
            try await NestedComposer.applicationLists(of: ids, integrationID: integrationID, on: sql)
        }
    }

    /// Composes and keeps the `candidate`, `current_stage` and `job` of the integration's
    /// applications that have none (`Application.composedColumn`), as `storeNestedApplications`
    /// does for candidates. Every application's save leaves them empty, so a sync calls this at
    /// its end, after the candidates, jobs and stages the run saved.
    ///
    /// On PostgreSQL the pass reads the applications listed as left to compose
    /// (`Application.uncomposedTable`) and, with `scanning`, first every application of the
    /// integration: a FULL's saves list none (`savePrepared(listingUncomposed:)`), as its keeps
    /// compose nearly all of them beside its saves, and one read of the table after the run costs
    /// less than listing and unlisting each. A FULL whose keeps composed every application it
    /// saved (a first import) passes no `scanning` (`SyncEngine`'s `UnkeptApplications`). What a
    /// failed FULL left empty and unlisted, the next FULL saves again and its keeps leave, so its
    /// pass scans and finds it; pages compose it meanwhile. The pass ends by taking off the list
    /// what is composed or gone (an application erased or deleted with its integration).
    @discardableResult
    public func storeNestedObjects(integrationID: String, batch: Int = 500, scanning: Bool = false) async throws
        -> Int
    {
        let compose: ([String], any SQLDatabase) async throws -> [String: [UInt8]] = { ids, sql in
            try await NestedComposer.applicationObjects(of: ids, integrationID: integrationID, on: sql)
        }
        guard sql.dialect.name == "postgresql" else {
            return try await storeComposed(
                JunctionModel.Application.self, integrationID: integrationID, batch: batch, compose: compose)
        }
        var kept = 0
        if scanning {
            kept += try await storeComposed(
                JunctionModel.Application.self, integrationID: integrationID, batch: batch, rereading: false,
                compose: compose)
        }
        kept += try await storeComposed(
            JunctionModel.Application.self, integrationID: integrationID, batch: batch,
            listedIn: JunctionModel.Application.uncomposedTable, compose: compose)
        try await sql.raw(
            """
            DELETE FROM applications_uncomposed u WHERE u.integration_id = \(bind: integrationID)
              AND NOT EXISTS (
                SELECT 1 FROM applications a
                WHERE a.integration_id = u.integration_id AND a.id = u.id AND a.nested_objects IS NULL)
            """
        ).run()
        return kept
    }

    /// Saves a candidates page as `savePrepared` does, and composes, in the same transaction and
    /// from the statement that composes the candidates' `applications` arrays, the `candidate`,
    /// `current_stage` and `job` of the saved candidates' applications that keep none; returns
    /// them for `keepComposed`, which a FULL on PostgreSQL (storing applications before
    /// candidates) runs beside the next page's save instead of leaving them all to the pass after
    /// the last page (issue 22).
    ///
    /// Each object is composed from the candidate's document as this save stores it and kept
    /// only if its application's stamp is still what this transaction left: the one read with
    /// what the object is composed from, plus one where the save itself emptied the objects of
    /// the candidate's applications (`Candidate.propagateChanges`, once the first sync is
    /// complete). A change by anyone else since the read moves it further, and the pass composes
    /// the object again. Applications of candidates the page did not change are the pass's too.
    public func savePreparedCandidates(
        _ page: PreparedPage<Candidate>, integrationID: String, now: Date = Date(), runID: String? = nil
    ) async throws -> (outcome: SaveOutcome, objects: [(id: String, stamp: Int64, list: [UInt8])]) {
        guard !page.prepared.isEmpty else { return (SaveOutcome(), []) }
        return try await database.transaction { connection in
            var saved: [String] = []
            var composed: [(id: String, stamp: Int64, list: [UInt8])] = []
            let outcome = try await Self.store(
                page.prepared, integrationID: integrationID, now: now, runID: runID, propagating: false,
                composing: { records, connection in
                    saved = records.map(\.id)
                    let read = try await NestedComposer.applicationListsAndObjects(
                        ofSaved: records, integrationID: integrationID, on: connection)
                    composed = read.objects
                    return read.lists
                }, on: connection)
            guard !saved.isEmpty else { return (outcome, []) }
            let emptied = try await Candidate.forgetApplicationsObjects(
                ids: saved, integrationID: integrationID, now: Clock.milliseconds(now), on: connection)
            let objects = composed.compactMap { object -> (id: String, stamp: Int64, list: [UInt8])? in
                guard let after = emptied[object.id] else { return object }
                return after == object.stamp + 1 ? (object.id, after, object.list) : nil
            }
            return (outcome, objects)
        }
    }

    /// `storeNestedObjects` for the applications that follow `after` in the table's order
    /// (`rowid`, SQLite only), as far as their candidates are stored: at most `limit`, up to the
    /// first whose candidate is not (yet), in one transaction. Returns how many were kept and
    /// the position to go on from (`after` when none could be).
    ///
    /// A FULL on SQLite calls it after each page of candidates (issue 22). It stores
    /// applications before candidates, both as Personio lists them, newest update first; a
    /// candidate's last update is never older than its applications' (in the sandbox), so once
    /// a candidates page is saved the applications listed down to its last update have their
    /// candidates stored, and they are the next ones in the table. Where an account lists
    /// otherwise, the walk stops at the first application whose candidate is missing and goes
    /// on once it is stored; what it leaves, the pass after the last page keeps. PostgreSQL has
    /// no row order to walk: there it keeps nothing and stays at `after`.
    public func storeNestedObjectsInRowOrder(integrationID: String, after: Int64, limit: Int) async throws -> (
        kept: Int, position: Int64
    ) {
        guard sql.dialect.name == "sqlite" else { return (0, after) }
        return try await database.transaction { connection in
            let rows = try await connection.raw(
                """
                SELECT a.rowid AS position, a.id, a.nested_stamp,
                    a.candidate_id IS NULL OR c.id IS NOT NULL AS candidate_stored
                FROM applications a
                LEFT JOIN candidates c ON c.integration_id = a.integration_id AND c.id = a.candidate_id
                WHERE a.integration_id = \(bind: integrationID) AND a.nested_objects IS NULL AND a.rowid > \(bind: after)
                ORDER BY a.rowid LIMIT \(bind: limit)
                """
            ).all()
            var ready: [any SQLRow] = []
            for row in rows {
                guard try row.decode(column: "candidate_stored", as: Int.self) == 1 else { break }
                ready.append(row)
            }
            guard let last = ready.last else { return (0, after) }
            let stamps = try ready.map(Self.stamp)
            let composed = try await NestedComposer.applicationObjects(
                of: stamps.map(\.id), integrationID: integrationID, on: connection)
            let kept = try await Self.keepComposed(
                JunctionModel.Application.self, Self.lists(stamps, composed), integrationID: integrationID,
                on: connection)
            return (kept, try last.decode(column: "position", as: Int64.self))
        }
    }

    /// The pass behind `storeNestedApplications` and `storeNestedObjects`: the records of
    /// `type` whose `composedColumn` is NULL, `batch` at a time, composed by `compose` and kept.
    ///
    /// A member is stored only if the record's `nested_stamp` is still the one read before
    /// composing: a change that empties it meanwhile (a write, on PostgreSQL another instance's
    /// sync) leaves it empty for the next call, never holding what was composed before the change.
    ///
    /// On SQLite the pass walks the records in the table's own order (`rowid`, the order a FULL
    /// inserted them in), which its partial index holds (migration 33), so each batch rewrites
    /// rows that lie together instead of rows spread over the file by id: at 100,000 candidates
    /// the pass over 150,000 applications took 6.6–6.9 s instead of 9.6–9.9 s (issue 22).
    /// PostgreSQL has no stable row order to walk; it goes by id.
    ///
    /// A pass that kept anything reads once more from the first record: what a change emptied
    /// behind it while it ran is composed too, and on PostgreSQL that read is the one that walks
    /// the index entries of the versions it replaced (the partial index holds a record while its
    /// member is NULL; the list, while it is listed) and marks them dead, as a B-tree scan does
    /// for rows no transaction can see any more. Without it the next run's pass walked them: at
    /// 100,000 candidates, after a FULL had kept 150,000 applications' objects, a quiet DELTA
    /// spent 0.55 s there (issue 22).
    ///
    /// `listedIn` names a table listing the records to compose (PostgreSQL's applications, whose
    /// keeps then update their rows in place; migration 38), read instead of `column`'s index;
    /// `rereading: false` reads once (a scan of the whole table).
    private func storeComposed<Record: SyncedRecord>(
        _ type: Record.Type, integrationID: String, batch: Int, listedIn list: String? = nil, rereading: Bool = true,
        compose: ([String], any SQLDatabase) async throws -> [String: [UInt8]]
    ) async throws -> Int {
        guard let column = Record.composedColumn else { return 0 }
        let start: PassPosition = sql.dialect.name == "sqlite" ? .row(0) : .id("")
        var after = start
        var kept = 0
        var readAgain = !rereading
        while true {
            let rows = try await sql.raw(
                Self.missingBatch(
                    table: Record.table, column: column, listedIn: list, integrationID: integrationID, after: after,
                    batch: batch)
            ).all()
            if !rows.isEmpty {
                let stamps = try rows.map(Self.stamp)
                after = try after.next(rows[rows.count - 1])
                let composed = try await compose(stamps.map(\.id), sql)
                kept += try await keepComposed(Record.self, Self.lists(stamps, composed), integrationID: integrationID)
            }
            if rows.count == batch { continue }
            // The last record: once more from the first, if this pass kept anything.
            guard kept > 0, !readAgain else { return kept }
            readAgain = true
            after = start
        }
    }

    /// The pass's next `batch` records of `table` whose `column` is NULL, after `after`, in the
    /// order `after` walks: each row's position, id and `nested_stamp`.
    static func missingBatch(
        table: String, column: String, listedIn list: String? = nil, integrationID: String, after: PassPosition,
        batch: Int
    ) -> SQLQueryString {
        let order = after.column
        if let list {
            return """
                SELECT l.id AS position, l.id, r.nested_stamp FROM \(ident: list) l
                JOIN \(ident: table) r ON r.integration_id = l.integration_id AND r.id = l.id
                WHERE l.integration_id = \(bind: integrationID) AND r.\(ident: column) IS NULL AND l.id > \(after)
                ORDER BY l.id LIMIT \(bind: batch)
                """
        }
        return """
            SELECT \(unsafeRaw: order) AS position, id, nested_stamp FROM \(ident: table)
            WHERE integration_id = \(bind: integrationID) AND \(ident: column) IS NULL AND \(unsafeRaw: order) > \(after)
            ORDER BY \(unsafeRaw: order) LIMIT \(bind: batch)
            """
    }

    /// Where a pass is in its table: a row's `rowid` (SQLite) or id (PostgreSQL).
    enum PassPosition: SQLExpression {
        case row(Int64)
        case id(String)

        var column: String {
            switch self {
            case .row: "rowid"
            case .id: "id"
            }
        }

        /// The position of `row`, the last a batch read.
        func next(_ row: any SQLRow) throws -> PassPosition {
            switch self {
            case .row: .row(try row.decode(column: "position", as: Int64.self))
            case .id: .id(try row.decode(column: "position", as: String.self))
            }
        }

        func serialize(to serializer: inout SQLSerializer) {
            switch self {
            case .row(let rowid): SQLBind(rowid).serialize(to: &serializer)
            case .id(let id): SQLBind(id).serialize(to: &serializer)
            }
        }
    }

    /// A row's `id` and `nested_stamp`, read before composing its member.
    static func stamp(_ row: any SQLRow) throws -> (id: String, stamp: Int64) {
        (try row.decode(column: "id", as: String.self), try row.decode(column: "nested_stamp", as: Int64.self))
    }

    /// Each record of `stamps` with the member `composed` has for it, as `keepComposed` takes
    /// them; a record `compose` left out is not kept (it stays empty for a later pass).
    static func lists(_ stamps: [(id: String, stamp: Int64)], _ composed: [String: [UInt8]])
        -> [(id: String, stamp: Int64, list: [UInt8])]
    {
        stamps.compactMap { row in composed[row.id].map { (id: row.id, stamp: row.stamp, list: $0) } }
    }

    /// Keeps each composed member (`list`) of a record of `type` whose `nested_stamp` is still
    /// `stamp`, in one statement; returns how many were kept.
    ///
    /// Two of these, or one and a save, change the same rows only when a record is on two pages
    /// (a candidate listed twice); should their row locks meet in opposite orders, PostgreSQL
    /// ends one transaction to break the deadlock. The statement keeps only what its stamps
    /// allow, so an ended one runs again, up to `attempts` times in all.
    public func keepComposed<Record: SyncedRecord>(
        _ type: Record.Type, _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String,
        attempts: Int = 3
    ) async throws -> Int {
        try await keptComposed(type, lists, integrationID: integrationID, attempts: attempts).count
    }

    /// `keepComposed`, returning the ids of the records it kept.
    public func keptComposed<Record: SyncedRecord>(
        _ type: Record.Type, _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String,
        attempts: Int = 3
    ) async throws -> [String] {
        guard !lists.isEmpty else { return [] }
        var attempt = 1
        while true {
            do {
                return try await database.transaction { connection in
                    try await Self.keptComposed(type, lists, integrationID: integrationID, on: connection)
                }
            } catch  where attempt < attempts && StoreError.isDeadlock(error) {
                attempt += 1
            }
        }
    }

    /// `keepComposed`, on `connection` (a transaction's).
    static func keepComposed<Record: SyncedRecord>(
        _ type: Record.Type, _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String,
        on connection: any SQLDatabase
    ) async throws -> Int {
        try await keptComposed(type, lists, integrationID: integrationID, on: connection).count
    }

    /// `keptComposed`, on `connection` (a transaction's).
    static func keptComposed<Record: SyncedRecord>(
        _ type: Record.Type, _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String,
        on connection: any SQLDatabase
    ) async throws -> [String] {
        guard let update = keepComposedStatement(type, lists, integrationID: integrationID, on: connection) else {
            return []
        }
        return try await connection.raw(update).all().map { try $0.decode(column: "id", as: String.self) }
    }

    /// `keepComposed`'s statement; nil when there is nothing to keep.
    static func keepComposedStatement<Record: SyncedRecord>(
        _ type: Record.Type, _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String,
        on connection: any SQLDatabase
    ) -> SQLQueryString? {
        guard let column = Record.composedColumn, !lists.isEmpty else { return nil }
        var values = SQLQueryString("")
        for (index, record) in lists.enumerated() {
            values.appendLiteral(index == 0 ? "(" : ", (")
            values.appendInterpolation(bind: record.id)
            values.appendLiteral(", ")
            values.appendInterpolation(bind: record.stamp)
            values.appendLiteral(", ")
            values.appendInterpolation(bind: String(decoding: record.list, as: UTF8.self))
            values.appendLiteral(")")
        }
        let update: SQLQueryString = """
            UPDATE \(ident: Record.table) SET \(ident: column) = v.column3
            FROM (VALUES \(values)) AS v
            WHERE \(ident: Record.table).integration_id = \(keyedIntegration(integrationID, on: connection))
              AND \(ident: Record.table).id = v.column1 AND \(ident: Record.table).nested_stamp = v.column2
            RETURNING id
            """
        guard Record.table == JunctionModel.Application.table, connection.dialect.name == "postgresql" else {
            return update
        }
        // Off PostgreSQL's list in the same statement: what empties it again lists it again
        // after this (it waits for the row this updates).
        return """
            WITH kept AS (\(update)),
            unlisted AS (
                DELETE FROM applications_uncomposed l USING kept
                WHERE l.integration_id = \(bind: integrationID) AND l.id = kept.id
            )
            SELECT id FROM kept
            """
    }
}
