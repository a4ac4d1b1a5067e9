import PostgresKit

/// What can go wrong in the store, with enough context to act on.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database or secret key settings are unusable; the message says which and how to fix it.
    case configuration(String)
    /// A stored secret could not be decrypted: the secret key changed or the row was tampered with.
    case undecryptable(String)
    /// A row did not have the shape this version of Junction expects.
    case corruptRow(table: String, detail: String)
    /// The database holds migrations this build does not know (it was migrated by a newer Junction).
    case newerSchema(applied: Int, known: Int)

    public var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .undecryptable(let message): "cannot decrypt: \(message)"
        case .corruptRow(let table, let detail): "unexpected row in \(table): \(detail)"
        case .newerSchema(let applied, let known):
            "the database is at schema version \(applied) but this build knows only up to \(known); run a newer Junction"
        }
    }
}

extension StoreError {
    /// An error as a sync run or a log line records it. PostgresNIO's own description is a fixed
    /// "generic description" that hides the cause; its server fields (message, SQLSTATE, detail)
    /// are what an operator needs, and, unlike the full reflection, they hold no statement binds.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            var text = "PostgreSQL: \(info[.message] ?? "error")"
            if let state = info[.sqlState] { text += " (SQLSTATE \(state))" }
            if let detail = info[.detail] { text += ": \(detail)" }
            return text
        }
        return "PostgreSQL: \(error.code.description)"
    }

    /// Whether PostgreSQL ended `error`'s transaction to break a deadlock (SQLSTATE 40P01): the
    /// transaction was rolled back whole and can run again.
    static func isDeadlock(_ error: any Error) -> Bool {
        (error as? PSQLError)?.serverInfo?[.sqlState] == "40P01"
    }
}

extension RawRepresentable where RawValue == String {
    /// The value `text`, read from `column` of `table`, stands for; a text this build does not
    /// know is a corrupt row naming the column.
    static func stored(_ text: String, column: String, in table: String) throws -> Self {
        guard let value = Self(rawValue: text) else {
            throw StoreError.corruptRow(table: table, detail: "\(column) '\(text)' is not a known value")
        }
        return value
    }
}
