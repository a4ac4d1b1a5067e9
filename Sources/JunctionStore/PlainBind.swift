/// A statement's bind of a type the store binds by the thousand (text, integers, booleans,
/// doubles, and their optionals; an absent optional is `null`), told by comparing the value's
/// type with the existential opened rather than by casting to it. Casting each of a save's
/// binds cost a FULL about 1% of its CPU on SQLite (thirty-fifth stop) and 3% on PostgreSQL
/// (fortieth stop). The NUL check (`NULFreeSQLDatabase.holdsNUL`) and both backends' bind
/// conversions (`SQLiteBinds`, `PostgresStatements`) read binds through it; a value of any
/// other type is nil here and takes their general path.
enum PlainBind {
    case text(String)
    case int64(Int64)
    case int(Int)
    case bool(Bool)
    case double(Double)
    case null

    init?<Value>(_ value: Value) {
        if Value.self == String.self {
            self = .text(same(value, as: String.self))
        } else if Value.self == Int64.self {
            self = .int64(same(value, as: Int64.self))
        } else if Value.self == Int.self {
            self = .int(same(value, as: Int.self))
        } else if Value.self == Bool.self {
            self = .bool(same(value, as: Bool.self))
        } else if Value.self == Double.self {
            self = .double(same(value, as: Double.self))
        } else if Value.self == String?.self {
            self = same(value, as: String?.self).map(Self.text) ?? .null
        } else if Value.self == Int64?.self {
            self = same(value, as: Int64?.self).map(Self.int64) ?? .null
        } else if Value.self == Int?.self {
            self = same(value, as: Int?.self).map(Self.int) ?? .null
        } else if Value.self == Bool?.self {
            self = same(value, as: Bool?.self).map(Self.bool) ?? .null
        } else if Value.self == Double?.self {
            self = same(value, as: Double?.self).map(Self.double) ?? .null
        } else {
            return nil
        }
    }
}
