import Foundation
import SQLKit

/// A row as its table stores it: `Decodable`, its columns as properties in camelCase
/// (`workspace_id` → `workspaceID`, `duration_ms` → `durationMs`), and the model value it holds. Columns the struct does not name are ignored, so `SELECT *` stays valid
/// as tables gain columns.
protocol StoredRow: Decodable {
    associatedtype Value
    static var table: String { get }
    func value() throws -> Value
}

extension StoredRow {
    /// The model value of `row`; a column that does not fit is a corrupt row of this table.
    static func decode(_ row: any SQLRow) throws -> Value {
        let stored: Self
        do {
            stored = try row.decode(model: Self.self, keyDecodingStrategy: .custom(columnKey))
        } catch let error as DecodingError {
            throw StoreError.corruptRow(table: table, detail: String(describing: error))
        }
        return try stored.value()
    }

    /// A JSON column's value.
    func json<Value: Decodable>(_ text: String, as type: Value.Type) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError.corruptRow(table: Self.table, detail: "a JSON column: \(error)")
        }
    }
}

/// The column of a property: a word starts at each capital after a lower-case letter or digit,
/// so a trailing acronym stays one word (`endUserOriginID` → `end_user_origin_id`). SQLKit's own
/// snake-case conversion splits it (`workspace_iD`).
@Sendable private func columnKey(_ path: [any CodingKey]) -> any CodingKey {
    let name = path.last?.stringValue ?? ""
    var column = ""
    var previous: Character?
    for character in name {
        if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { column.append("_") }
        column += character.lowercased()
        previous = character
    }
    return ColumnKey(stringValue: column)
}

private struct ColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
