import Foundation
import Hummingbird
import JunctionModel
import JunctionStore

/// The query of a `GET /ats/<model>` list, parsed and checked into a store filter.
///
/// Every parameter is validated, and an error names it. A parameter the endpoint does not know
/// is ignored with a `Warning` header naming it (a newer SDK may send parameters this server
/// does not know yet); a known filter this integration cannot answer matches nothing unless
/// `ignore_unsupported_filters=true`, as Kombo documents.
struct ListQuery: Sendable {
    static let defaultPageSize = 100
    static let maximumPageSize = 250

    var pageSize = defaultPageSize
    var ignoreUnsupportedFilters = false
    var cursor: String?
    var filter = RecordFilter()
    /// Every parameter but the cursor, for binding cursors to their query.
    var fingerprintParameters: [(String, String)] = []
    /// Parameters this endpoint does not know, in the order given; they change nothing.
    var unknownParameters: [String] = []

    /// `Warning` header values (RFC 9110's code 299, "miscellaneous persistent warning") for
    /// the ignored parameters.
    var warningHeaders: [String] {
        unknownParameters.map { name in
            let printable = name.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
            return "299 junction \"Query parameter '\(String(String.UnicodeScalarView(printable)))' is not known "
                + "to this endpoint and was ignored.\""
        }
    }

    init(_ request: Request, filters: [String: FilterParameter] = [:]) throws {
        var modelFilters: [(FilterParameter, String, String)] = []
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
                filter.includeDeleted = try Self.bool(value, name: name)
            case "ignore_unsupported_filters":
                ignoreUnsupportedFilters = try Self.bool(value, name: name)
            case "updated_after":
                filter.updatedAfter = try Self.date(value, name: name)
            case "ids":
                filter.conditions.append(.oneOf(column: "id", values: try Self.list(value, name: name)))
            case "remote_ids":
                filter.conditions.append(.oneOf(column: "remote_id", values: try Self.list(value, name: name)))
            default:
                guard let parameter = filters[name] else {
                    // A parameter a later Kombo version may add: a newer SDK keeps working. Said in
                    // a `Warning` header (list answers have no `warnings`), never silently.
                    unknownParameters.append(name)
                    continue
                }
                modelFilters.append((parameter, name, value))
            }
            fingerprintParameters.append((name, value))
        }
        // After the loop: `ignore_unsupported_filters` may follow the filters it governs.
        for (parameter, name, value) in modelFilters {
            let condition = try parameter.parse(value, name)
            if parameter.supported {
                filter.conditions.append(condition)
            } else if !ignoreUnsupportedFilters {
                // The reference: an unsupported filter yields no results unless told to ignore it.
                filter.conditions.append(.nothing)
            }
        }
    }

    static let common = [
        "cursor", "page_size", "updated_after", "include_deleted", "ignore_unsupported_filters", "ids", "remote_ids",
    ]

    static func bool(_ text: String, name: String) throws -> Bool {
        switch text {
        case "true": return true
        case "false": return false
        default: throw APIError.invalidInput("Query parameter '\(name)' must be true or false, not '\(text)'.")
        }
    }

    /// An ISO-8601 date-time. A `+` of an offset that arrived unencoded reads as a space.
    static func date(_ text: String, name: String) throws -> Date {
        guard let date = UnifiedDate.parse(text) ?? UnifiedDate.parse(text.replacingOccurrences(of: " ", with: "+"))
        else {
            throw APIError.invalidInput(
                "Query parameter '\(name)' must be an ISO-8601 date-time like 2024-01-02T03:04:05Z, not '\(text)'.")
        }
        return date
    }

    /// A comma-joined list (the SDK's `explode=false` arrays); at least one non-empty value.
    static func list(_ text: String, name: String) throws -> [String] {
        let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !values.isEmpty else {
            throw APIError.invalidInput("Query parameter '\(name)' must list at least one value, comma-separated.")
        }
        return values
    }
}

/// One model-specific filter of a list endpoint: how its value becomes a store condition, and
/// whether this integration can answer it at all.
struct FilterParameter: Sendable {
    var supported = true
    let parse: @Sendable (_ value: String, _ name: String) throws -> RecordFilter.Condition

    /// Comma-separated values, any of which may match `column`. With `allowed`, every value must
    /// be one of them; with `lowercase`, matching ignores case (the column holds lowercase).
    static func list(column: String, allowed: [String]? = nil, lowercase: Bool = false) -> FilterParameter {
        FilterParameter { value, name in
            var values = try ListQuery.list(value, name: name)
            if let allowed {
                for value in values where !allowed.contains(value) {
                    throw APIError.invalidInput(
                        "Query parameter '\(name)' has '\(value)'; allowed values are \(allowed.joined(separator: ", "))."
                    )
                }
            }
            if lowercase { values = values.map { $0.lowercased() } }
            return allowed == nil ? .oneOf(column: column, values: values) : .oneOfKnown(column: column, values: values)
        }
    }

    /// One value that must equal `column` exactly (or ignoring case).
    static func exact(column: String, lowercase: Bool = false) -> FilterParameter {
        FilterParameter { value, _ in
            .oneOf(column: column, values: [lowercase ? value.lowercased() : value])
        }
    }

    /// Records created on or after the day of the given moment (UTC), as the reference words it.
    static func createdOnOrAfterDay(column: String) -> FilterParameter {
        FilterParameter { value, name in
            let date = try ListQuery.date(value, name: name)
            let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            let day: Int64 = 86_400_000
            let dayStart = milliseconds >= 0 ? milliseconds / day * day : (milliseconds - day + 1) / day * day
            return .atLeast(column: column, milliseconds: dayStart)
        }
    }

    static func contains(column: String) -> FilterParameter {
        FilterParameter { value, name in
            guard !value.isEmpty else { throw APIError.invalidInput("Query parameter '\(name)' must not be empty.") }
            return .contains(column: column, text: value)
        }
    }

    /// Records whose `column` appears in `selectColumn` of another model's live records that
    /// match the listed values in `whereColumn`.
    static func related(column: String, table: String, selectColumn: String, whereColumn: String) -> FilterParameter {
        FilterParameter { value, name in
            .related(
                column: column, table: table, selectColumn: selectColumn, whereColumn: whereColumn,
                values: try ListQuery.list(value, name: name))
        }
    }

    /// This integration cannot answer the filter (Personio has no such field).
    func unsupported() -> FilterParameter {
        var copy = self
        copy.supported = false
        return copy
    }
}
