import Hummingbird
import JunctionModel

/// The common query parameters of every `GET /ats/<model>` list, parsed and checked.
struct ListQuery: Sendable {
    static let defaultPageSize = 100
    static let maximumPageSize = 250

    var pageSize = defaultPageSize
    var includeDeleted = false
    var ignoreUnsupportedFilters = false
    var cursor: String?
    /// Every parameter but the cursor, for binding cursors to their query.
    var fingerprintParameters: [(String, String)] = []

    /// Parses `request`'s query. Names outside `common` and `filters` are refused by name: a
    /// filter this server would silently drop must not look like one that matched.
    init(_ request: Request, filters: Set<String> = []) throws {
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            let value = String(value)
            switch name {
            case "cursor":
                cursor = value
                continue
            case "page_size":
                guard let size = Int(value), (1...Self.maximumPageSize).contains(size) else {
                    throw APIError.invalidInput(
                        "Query parameter 'page_size' must be a whole number from 1 to \(Self.maximumPageSize), not '\(value)'."
                    )
                }
                pageSize = size
            case "include_deleted":
                includeDeleted = try Self.bool(value, name: name)
            case "ignore_unsupported_filters":
                ignoreUnsupportedFilters = try Self.bool(value, name: name)
            default:
                guard filters.contains(name) else {
                    throw APIError.invalidInput("Query parameter '\(name)' is not supported on this endpoint.")
                }
            }
            fingerprintParameters.append((name, value))
        }
    }

    static func bool(_ text: String, name: String) throws -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalidInput("Query parameter '\(name)' must be true or false, not '\(text)'.")
        }
    }
}
