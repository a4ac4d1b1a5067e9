import Foundation
import JunctionModel
import SQLKit

extension RecordRepository {
    /// Composes and keeps the `applications` array of the integration's candidates that have
    /// none (`Candidate.composedColumn`), `batch` candidates per statement; returns how many were
    /// kept. A candidate's save composes its own array; a sync calls this at its end for the
    /// arrays a later change emptied, so the pages that follow copy them.
    ///
    /// An array is stored only if the candidate's `nested_stamp` is still the one read before
    /// composing: a change that empties it meanwhile (a write, on PostgreSQL another instance's
    /// sync) leaves it empty for the next call, never holding what was composed before the change.
    @discardableResult
    public func storeNestedApplications(integrationID: String, batch: Int = 500) async throws -> Int {
        let composer = NestedComposer(reader: self)
        var after = ""
        var kept = 0
        while true {
            let rows = try await sql.raw(
                """
                SELECT id, nested_stamp FROM candidates
                WHERE integration_id = \(bind: integrationID) AND nested_applications IS NULL
                  AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: batch)
                """
            ).all()
            guard !rows.isEmpty else { return kept }
            let stamps = try rows.map {
                (
                    id: try $0.decode(column: "id", as: String.self),
                    stamp: try $0.decode(column: "nested_stamp", as: Int64.self)
                )
            }
            after = stamps[stamps.count - 1].id
            let lists = try await composer.applicationLists(of: stamps.map(\.id), integrationID: integrationID)
            kept += try await keepNestedApplications(
                stamps.map { (id: $0.id, stamp: $0.stamp, list: lists[$0.id] ?? Array("[]".utf8)) },
                integrationID: integrationID)
            if rows.count < batch { return kept }
        }
    }

    /// Keeps each composed `list` whose candidate's `nested_stamp` is still `stamp`, in one
    /// statement; returns how many were kept.
    public func keepNestedApplications(
        _ lists: [(id: String, stamp: Int64, list: [UInt8])], integrationID: String
    ) async throws -> Int {
        guard !lists.isEmpty else { return 0 }
        var values = SQLQueryString("")
        for (index, candidate) in lists.enumerated() {
            values.appendLiteral(index == 0 ? "(" : ", (")
            values.appendInterpolation(bind: candidate.id)
            values.appendLiteral(", ")
            values.appendInterpolation(bind: candidate.stamp)
            values.appendLiteral(", ")
            values.appendInterpolation(bind: String(decoding: candidate.list, as: UTF8.self))
            values.appendLiteral(")")
        }
        let update: SQLQueryString = """
            UPDATE candidates SET nested_applications = v.column3
            FROM (VALUES \(values)) AS v
            WHERE candidates.integration_id = \(bind: integrationID) AND candidates.id = v.column1
              AND candidates.nested_stamp = v.column2
            RETURNING id
            """
        return try await database.transaction { connection in try await connection.raw(update).all().count }
    }
}
