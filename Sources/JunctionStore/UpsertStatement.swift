import SQLKit
import Synchronization

/// `RecordRepository.store`'s insert-or-update of a page of records, with the SQL around its
/// rows serialized by SQLKit once per table, columns and dialect.
///
/// Built with SQLKit's insert builder, the statement's text was serialized anew for every save:
/// each column name three times over (the column list, the conflict's `SET`, `excluded.`), each
/// escaped by `SQLIdentifier` through a generic `replacing`; 4% of a write's CPU (issue 22). The
/// text is the same, byte for byte: the head and tail come from the same SQLKit expressions, and
/// the rows are written as SQLKit writes a `VALUES` list, each value a bind.
struct UpsertStatement: SQLExpression {
    /// `INSERT INTO "table" ("column", …) VALUES`, and `ON CONFLICT … DO UPDATE SET …`.
    struct Text: Sendable {
        let head: String
        let tail: String
    }

    let text: Text
    let rows: [[any Encodable & Sendable]]

    func serialize(to serializer: inout SQLSerializer) {
        // A save's statement is alone in its serializer: its whole text depends only on how many
        // rows of how many values it has, and a sync's pages have the same count, page after
        // page. Writing each placeholder through the dialect was 1.5% of a FULL's CPU, in the
        // save every page waits for (issue 22). The last text made per table and dialect is kept.
        guard serializer.sql.isEmpty, serializer.binds.isEmpty, let width = rows.first?.count,
            rows.allSatisfy({ $0.count == width })
        else { return writeRows(to: &serializer) }
        let key = "\(serializer.dialect.name)\u{0}\(text.head)\u{0}\(text.tail)"
        let sql: String
        if let kept = Self.statements.withLock({ $0[key] }), kept.rows == rows.count, kept.width == width {
            sql = kept.sql
        } else {
            var fresh = SQLSerializer(database: serializer.database)
            writeRows(to: &fresh)
            sql = fresh.sql
            Self.statements.withLock { $0[key] = (rows.count, width, sql) }
        }
        serializer.write(sql)
        serializer.binds.reserveCapacity(rows.count * width)
        for row in rows { serializer.binds.append(contentsOf: row) }
    }

    /// The last statement text made per dialect and table, with its shape.
    private static let statements = Mutex<[String: (rows: Int, width: Int, sql: String)]>([:])

    /// The statement, each value of `rows` a bind, as SQLKit writes a `VALUES` list.
    private func writeRows(to serializer: inout SQLSerializer) {
        serializer.write(text.head)
        for (index, row) in rows.enumerated() {
            serializer.write(index == 0 ? " (" : ", (")
            for (position, value) in row.enumerated() {
                if position > 0 { serializer.write(", ") }
                serializer.write(bind: value)
            }
            serializer.write(")")
        }
        serializer.write(" ")
        serializer.write(text.tail)
    }

    private static let texts = Mutex<[String: Text]>([:])

    /// An SQLite statement inserting rows of `columns` into `table` that are not stored yet:
    /// `INSERT OR FAIL`, no conflict clause. A multi-row upsert makes SQLite keep a statement
    /// journal (its update sets `NOT NULL` columns, which may abort the statement halfway); an
    /// insert that fails instead of aborting, into a table whose foreign key is deferred
    /// (migration 35), needs none. It fails on a row that is stored after all, and the save's
    /// transaction rolls back: `store` reads what is stored in the same transaction first.
    static func insertText(table: String, columns: [String], on database: any SQLDatabase) -> Text {
        kept(key(table: table, columns: columns, on: database) + "\u{0}insert") {
            let head = insertHead(table: table, columns: columns, on: database)
            precondition(
                head.sql.hasPrefix("INSERT INTO ") && head.binds.isEmpty, "an insert's text starts INSERT INTO")
            return Text(head: "INSERT OR FAIL INTO " + head.sql.dropFirst("INSERT INTO ".count) + " VALUES", tail: "")
        }
    }

    /// The statement's text around its rows: an insert into `table` of `columns` that on a
    /// conflict of (`integration_id`, `id`) updates each column after those two with the value it
    /// would have inserted, except the columns `updates` names, which are set to its expressions.
    /// The first text made for a table, columns and dialect is kept: `updates` must be the same
    /// for them at every call (`store` derives it from the table alone).
    static func text(
        table: String, columns: [String], updates: [String: SQLQueryString], on database: any SQLDatabase
    ) -> Text {
        kept(key(table: table, columns: columns, on: database)) {
            let strategy = SQLConflictResolutionStrategy(
                targets: ["integration_id", "id"],
                action: .update(
                    assignments: columns.dropFirst(2).map { column in
                        if let update = updates[column] {
                            SQLColumnAssignment(setting: column, to: update)
                        } else {
                            SQLColumnAssignment(settingExcludedValueFor: column)
                        }
                    }, predicate: nil))
            let head = insertHead(table: table, columns: columns, on: database)
            var tail = SQLSerializer(database: database)
            strategy.serialize(to: &tail)
            // The expressions bind nothing: a bind's placeholder would be numbered for this serializer.
            precondition(head.binds.isEmpty && tail.binds.isEmpty, "an upsert's text binds no value")
            return Text(head: head.sql + " VALUES", tail: tail.sql)
        }
    }

    /// The key of a text kept for `table`, `columns` and `database`'s dialect.
    private static func key(table: String, columns: [String], on database: any SQLDatabase) -> String {
        "\(database.dialect.name)\u{0}\(table)\u{0}\(columns.joined(separator: ","))"
    }

    /// The text kept under `key`, made by `make` the first time.
    private static func kept(_ key: String, _ make: () -> Text) -> Text {
        if let text = texts.withLock({ $0[key] }) { return text }
        let text = make()
        texts.withLock { $0[key] = text }
        return text
    }

    /// `INSERT INTO "table" ("column", …)`, serialized for `database`.
    private static func insertHead(table: String, columns: [String], on database: any SQLDatabase) -> SQLSerializer {
        var insert = SQLInsert(table: SQLIdentifier(table))
        insert.columns = columns.map { SQLIdentifier($0) }
        var head = SQLSerializer(database: database)
        insert.serialize(to: &head)
        return head
    }
}
