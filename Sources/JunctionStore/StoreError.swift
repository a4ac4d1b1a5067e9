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
