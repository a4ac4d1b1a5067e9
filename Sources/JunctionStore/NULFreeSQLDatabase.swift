import Foundation
import NIOCore
import SQLKit

/// Removes U+0000 from every text value bound to a statement, on both backends alike.
///
/// PostgreSQL's `TEXT` cannot hold NUL (SQLSTATE 22021): one NUL in an upstream Personio field
/// would fail every sync of that integration there, while SQLite stored it. Upstream data is out
/// of our control, so neither backend stores it in a column: a column holds the text without its
/// NULs, the same on both. JSON documents (`record`, with `remote_data`) escape NUL as `\u0000`,
/// so the raw value stays whole and recoverable there. Requests that carry a NUL are refused
/// before they reach the store (request validation), so this is the backstop for upstream data.
struct NULFreeSQLDatabase: WrappingSQLDatabase {
    let base: any SQLDatabase

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        base.execute(sql: Self.cleaned(query, dialect: dialect, database: base), onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: Self.cleaned(query, dialect: dialect, database: base), onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { session in try await closure(NULFreeSQLDatabase(base: session)) }
    }

    /// The statement serialized once, with the binds that hold a NUL cleaned. Handing on the
    /// serialized form means the wrapped database (and the SQLite write gate, which looks at the
    /// statement's verb) copies a string instead of serializing the query again.
    static func cleaned(_ query: any SQLExpression, dialect: any SQLDialect, database: any SQLDatabase)
        -> any SQLExpression
    {
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        // Looked at in place; a new list only when a text holds a NUL (upstream data, rarely).
        // Casting each bind to `String` and mapping them all into a new list copied every bind
        // twice: with a page's upsert binding thousands, 4% of a FULL's `swift_retain` calls.
        guard serializer.binds.contains(where: { Self.holdsNUL($0) }) else {
            return SerializedStatement(sql: serializer.sql, binds: serializer.binds)
        }
        let binds: [any Encodable & Sendable] = serializer.binds.map { bind in
            guard let text = bind as? String, Self.containsNUL(text) else { return bind }
            return String(decoding: text.utf8.filter { $0 != 0 }, as: UTF8.self)
        }
        return SerializedStatement(sql: serializer.sql, binds: binds)
    }

    /// Whether `value` is a text holding U+0000 as the cast to `String` in `cleaned` finds one
    /// (an optional text included). The types the store binds most are told by their type
    /// (`PlainBind`), not cast to; any other type takes the cast.
    static func holdsNUL<Value: Encodable & Sendable>(_ value: Value) -> Bool {
        switch PlainBind(value) {
        case .text(let text): return containsNUL(text)
        case .int64, .int, .bool, .double, .null: return false
        case nil:
            guard let text = value as? String else { return false }
            return containsNUL(text)
        }
    }
}

extension NULFreeSQLDatabase {
    /// Whether a text holds U+0000, found with `memchr` over the string's bytes: a stored
    /// document is kilobytes, and iterating `String.UTF8View` byte by byte was 2% of a FULL
    /// sync (issue 22, eighth stop).
    static func containsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, 0, bytes.count) != nil
        } ?? text.utf8.contains(0)
    }
}

/// A statement already serialized for a database's dialect, with its binds: what
/// `NULFreeSQLDatabase` hands on, and a page's statement text kept per shape
/// (`RecordRepository.pageTexts`).
struct SerializedStatement: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds.append(contentsOf: binds)
    }
}

extension SQLDatabase {
    /// `query`'s text and binds for this database: a `SerializedStatement`'s own (what
    /// `NULFreeSQLDatabase` hands on), else serialized here. Serializing a serialized statement
    /// again copied its list of binds, each a retain: a page's upsert binds thousands.
    func serializeOnce(_ query: any SQLExpression) -> (sql: String, binds: [any Encodable & Sendable]) {
        if let serialized = query as? SerializedStatement { return (serialized.sql, serialized.binds) }
        return serialize(query)
    }
}
