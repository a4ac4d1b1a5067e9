import Foundation
import JunctionModel
import SQLKit

/// What re-sealing the stored secrets found, per place (`table.column`).
public struct ResealReport: Sendable, Equatable {
    /// Sealed again under the sealing key (an older key had sealed them).
    public var resealed: [String: Int] = [:]
    /// Already under the sealing key.
    public var current: [String: Int] = [:]
    /// Values no key of the ring opens, as `table.column id`.
    public var unreadable: [String] = []
}

/// The sealed values of the store, for a key rotation (issue 21).
public struct SecretsRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var secretsAtRest: SecretsRepository { SecretsRepository(store: self) }
}

extension SecretsRepository {
    /// Every sealed value: table, its id column, the sealed column, and the context it is bound to.
    static let sealed: [(table: String, column: String, context: @Sendable (String) -> String)] = [
        ("integrations", "credentials", { $0 }),
        ("connect_links", "pending_credentials", { "connect:" + $0 }),
        ("webhook_endpoints", "secret", { "webhook:" + $0 }),
    ]

    /// Seals every stored secret that an older key of the ring sealed again under the sealing
    /// key. Each value is replaced only if it is still the one read (a relink meanwhile wins),
    /// so running instances can go on writing; a value no key opens is reported, not touched.
    public func resealAll() async throws -> ResealReport {
        var report = ResealReport()
        for (table, column, context) in Self.sealed {
            let place = "\(table).\(column)"
            let rows = try await sql.raw(
                "SELECT id, \(unsafeRaw: column) AS sealed FROM \(unsafeRaw: table) WHERE \(unsafeRaw: column) IS NOT NULL ORDER BY id"
            ).all()
            for row in rows {
                let id = try row.decode(column: "id", as: String.self)
                let value = try row.decode(column: "sealed", as: String.self)
                let opened: (plaintext: Data, current: Bool)
                do {
                    opened = try secrets.openReporting(value, context: context(id))
                } catch {
                    report.unreadable.append("\(place) \(id)")
                    continue
                }
                if opened.current {
                    report.current[place, default: 0] += 1
                    continue
                }
                let resealed = try secrets.seal(opened.plaintext, context: context(id))
                try await sql.raw(
                    """
                    UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: resealed)
                    WHERE id = \(bind: id) AND \(unsafeRaw: column) = \(bind: value)
                    """
                ).run()
                report.resealed[place, default: 0] += 1
            }
        }
        return report
    }
}

extension ResealReport {
    /// The report as a person reads it.
    public var lines: [String] {
        var lines: [String] = []
        for place in Set(resealed.keys).union(current.keys).sorted() {
            lines.append("  \(place): \(resealed[place] ?? 0) re-encrypted, \(current[place] ?? 0) already current")
        }
        if lines.isEmpty { lines.append("  no stored secrets") }
        for entry in unreadable { lines.append("  UNREADABLE with every key: \(entry)") }
        return ["Stored secrets:"] + lines
    }
}
