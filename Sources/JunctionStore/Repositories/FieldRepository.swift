import Foundation
import JunctionModel
import SQLKit

/// What a read of one model adds to each record: the passthrough-enabled fields (for
/// `integration_fields`) and the workspace's custom fields with the path each is mapped to.
public struct FieldProjection: Sendable, Equatable {
    public var passthrough: [IntegrationField]
    public var custom: [(key: String, path: String?)]

    public var isEmpty: Bool { passthrough.isEmpty && custom.isEmpty }

    public static func == (lhs: FieldProjection, rhs: FieldProjection) -> Bool {
        lhs.passthrough == rhs.passthrough && lhs.custom.map(\.key) == rhs.custom.map(\.key)
            && lhs.custom.map(\.path) == rhs.custom.map(\.path)
    }
}

/// The fields discovered in `remote_data`, custom fields and their mappings.
public struct FieldRepository: StoreRepository {
    let store: Store
}

extension Store {
    public var fields: FieldRepository { FieldRepository(store: self) }
}

extension FieldRepository {
    /// The models the explorer covers, with the table each is read from.
    public static let fieldModels: [(model: String, table: String)] = [
        ("ats_jobs", "jobs"), ("ats_candidates", "candidates"), ("ats_applications", "applications"),
    ]

    /// Records scanned per model per discovery: the newest, which is what matters for fields
    /// an account uses now, and bounded so a large account costs the same as a small one.
    public static let fieldDiscoverySample = 1000

    /// Finds every field path in the newest synced payloads of each model and records its
    /// statistics. Ids are derived from (integration, model, key), so they survive rediscovery
    /// and mappings stay valid; a path no longer seen keeps its row with zero counts.
    @discardableResult
    public func discoverFields(integrationID: String, now: Date = Date()) async throws -> Int {
        var total = 0
        for (model, table) in Self.fieldModels {
            let rows = try await sql.raw(
                """
                SELECT record FROM \(unsafeRaw: table) WHERE integration_id = \(bind: integrationID)
                    AND remote_deleted_at IS NULL
                ORDER BY updated_at DESC LIMIT \(bind: Self.fieldDiscoverySample)
                """
            ).all()
            var discovery = FieldDiscovery(model: model)
            for row in rows {
                // Only `remote_data` is read, by the direct scanners (decoding each whole document
                // through `JSONDecoder` was a tenth of a FULL of 10,000 candidates; a tree of each
                // payload, most of a discovery's allocations).
                let document = try JSONObjectMembers(try row.decode(column: "record", as: [UInt8].self))
                guard let remote = document.valueRange("remote_data"),
                    document.bytes[remote.lowerBound] == UInt8(ascii: "{")
                else { continue }
                try discovery.add(Array(document.bytes[remote]))
            }
            let stats = discovery.stats
            let millis = Clock.milliseconds(now)
            let encoder = JSONEncoder()
            let fields = try stats.map { key, stat in
                (
                    key: key,
                    id: Identifier.record(integrationID: integrationID, model: "field:" + model, remoteID: key),
                    types: String(decoding: try encoder.encode(stat.types.sorted()), as: UTF8.self),
                    samples: String(decoding: try encoder.encode(stat.samples), as: UTF8.self), setCount: stat.setCount
                )
            }
            let recordCount = rows.count
            // One transaction: a reader sees the model's last discovery or this one, never the
            // counts zeroed halfway, and SQLite commits (writes its log) once instead of once a path.
            try await database.transaction { connection in
                try await connection.raw(
                    """
                    UPDATE integration_fields SET set_count = 0, record_count = \(bind: recordCount)
                    WHERE integration_id = \(bind: integrationID) AND model = \(bind: model)
                    """
                ).run()
                for field in fields {
                    try await connection.raw(
                        """
                        INSERT INTO integration_fields (integration_id, id, model, key, type, label, value_types, samples,
                            set_count, record_count, passthrough_enabled, seen_at)
                        VALUES (\(bind: integrationID), \(bind: field.id), \(bind: model), \(bind: field.key),
                            \(bind: FieldPaths.isCustom(field.key) ? "CUSTOM" : "DEFAULT"), \(bind: FieldPaths.label(field.key)),
                            \(bind: field.types), \(bind: field.samples), \(bind: field.setCount), \(bind: recordCount), 0,
                            \(bind: millis))
                        ON CONFLICT (integration_id, id) DO UPDATE SET value_types = excluded.value_types,
                            label = excluded.label, samples = excluded.samples, set_count = excluded.set_count,
                            record_count = excluded.record_count, seen_at = excluded.seen_at
                        """
                    ).run()
                }
            }
            total += stats.count
        }
        return total
    }

    /// One page of an integration's fields, ordered by model and key; `after` is the last key
    /// of the previous page (`model` + U+001F + `key`).
    public func integrationFields(integrationID: String, after: String?, limit: Int) async throws
        -> (fields: [IntegrationField], nextAfter: String?)
    {
        let rows = try await sql.raw(
            """
            SELECT * FROM integration_fields WHERE integration_id = \(bind: integrationID)
                AND (model || \(bind: "\u{1F}") || key) > \(bind: after ?? "")
            ORDER BY model || \(bind: "\u{1F}") || key LIMIT \(bind: limit + 1)
            """
        ).all()
        let fields = try rows.prefix(limit).map(IntegrationFieldRow.decode)
        let next = rows.count > limit ? fields.last.map { $0.model + "\u{1F}" + $0.key } : nil
        return (fields, next)
    }

    public func integrationField(id: String, integrationID: String) async throws -> IntegrationField? {
        try await sql.raw(
            "SELECT * FROM integration_fields WHERE integration_id = \(bind: integrationID) AND id = \(bind: id)"
        ).first().map(IntegrationFieldRow.decode)
    }

    public func setPassthrough(_ enabled: Bool, fieldID: String, integrationID: String) async throws {
        try await sql.raw(
            """
            UPDATE integration_fields SET passthrough_enabled = \(bind: enabled ? 1 : 0)
            WHERE integration_id = \(bind: integrationID) AND id = \(bind: fieldID)
            """
        ).run()
    }

    // MARK: - Custom fields

    /// Defines a custom field for the workspace; a key already defined for the model is refused.
    public func createCustomField(_ field: CustomField, now: Date = Date()) async throws -> Bool {
        try await sql.raw(
            """
            INSERT INTO custom_fields (workspace_id, id, model, key, label, description, created_at)
            VALUES (\(bind: field.workspaceID), \(bind: field.id), \(bind: field.model), \(bind: field.key),
                \(bind: field.label), \(bind: field.description), \(bind: Clock.milliseconds(now)))
            ON CONFLICT (workspace_id, model, key) DO NOTHING
            """
        ).run()
        return try await customField(id: field.id, workspaceID: field.workspaceID) != nil
    }

    public func customFields(workspaceID: String) async throws -> [CustomField] {
        try await sql.raw(
            "SELECT * FROM custom_fields WHERE workspace_id = \(bind: workspaceID) ORDER BY model, key"
        ).all().map(CustomFieldRow.decode)
    }

    public func customField(id: String, workspaceID: String) async throws -> CustomField? {
        try await sql.raw(
            "SELECT * FROM custom_fields WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)"
        ).first().map(CustomFieldRow.decode)
    }

    /// Removes a custom field and its mappings in every integration of the workspace.
    public func deleteCustomField(id: String, workspaceID: String) async throws -> Bool {
        try await database.transaction { connection in
            guard
                try await connection.raw(
                    "SELECT id FROM custom_fields WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)"
                ).first() != nil
            else { return false }
            try await connection.raw(
                """
                DELETE FROM custom_field_mappings WHERE custom_field_id = \(bind: id) AND integration_id IN
                    (SELECT id FROM integrations WHERE workspace_id = \(bind: workspaceID))
                """
            ).run()
            try await connection.raw(
                "DELETE FROM custom_fields WHERE workspace_id = \(bind: workspaceID) AND id = \(bind: id)"
            ).run()
            return true
        }
    }

    /// The integration field each custom field is mapped to in `integrationID`.
    public func customFieldMappings(integrationID: String) async throws -> [String: IntegrationField] {
        let rows = try await sql.raw(
            """
            SELECT m.custom_field_id, f.* FROM custom_field_mappings m
            JOIN integration_fields f ON f.integration_id = m.integration_id AND f.id = m.integration_field_id
            WHERE m.integration_id = \(bind: integrationID)
            """
        ).all()
        var mappings: [String: IntegrationField] = [:]
        for row in rows {
            mappings[try row.decode(column: "custom_field_id", as: String.self)] = try IntegrationFieldRow.decode(row)
        }
        return mappings
    }

    /// Maps (or with nil unmaps) a custom field to an integration field of `integrationID`.
    public func mapCustomField(_ customFieldID: String, to fieldID: String?, integrationID: String) async throws {
        try await database.transaction { connection in
            try await connection.raw(
                """
                DELETE FROM custom_field_mappings
                WHERE integration_id = \(bind: integrationID) AND custom_field_id = \(bind: customFieldID)
                """
            ).run()
            if let fieldID {
                try await connection.raw(
                    """
                    INSERT INTO custom_field_mappings (integration_id, custom_field_id, integration_field_id)
                    VALUES (\(bind: integrationID), \(bind: customFieldID), \(bind: fieldID))
                    """
                ).run()
            }
        }
    }

    /// Whether `fieldProjection` may find anything for the integration whose id is the SQL
    /// expression `integration`, of the workspace `workspace`, for any model: its two parts'
    /// conditions, as one SQL condition for another statement to carry (the API key's,
    /// `AccessRepository.authenticate`, so pages without a projection skip the statement that
    /// reads it). Kept beside `fieldProjection`: a part added there belongs here too.
    static func mayProject(integration: String, workspace: String) -> String {
        """
        EXISTS (
            SELECT 1 FROM integration_fields f WHERE f.integration_id = \(integration) AND f.passthrough_enabled = 1
        ) OR EXISTS (SELECT 1 FROM custom_fields c WHERE c.workspace_id = \(workspace))
        """
    }

    /// What reads of `model` add to each record for this integration (one statement; see
    /// `mayProject` for when pages skip it).
    public func fieldProjection(model: String, integrationID: String, workspaceID: String) async throws
        -> FieldProjection
    {
        // One statement for both parts (every jobs, candidates and applications page asks, and
        // nearly always finds neither): the passthrough fields (part 0), then the workspace's
        // custom fields with the field each is mapped to here (part 1), each part in key order.
        let rows = try await sql.raw(
            """
            SELECT CAST(0 AS BIGINT) AS part, id, model, key, type, label, value_types, samples, set_count, record_count,
                passthrough_enabled, NULL AS custom_key, NULL AS field_key
            FROM integration_fields
            WHERE integration_id = \(bind: integrationID) AND model = \(bind: model) AND passthrough_enabled = 1
            UNION ALL
            SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, c.key, f.key
            FROM custom_fields c
            LEFT JOIN custom_field_mappings m ON m.custom_field_id = c.id AND m.integration_id = \(bind: integrationID)
            LEFT JOIN integration_fields f ON f.integration_id = m.integration_id AND f.id = m.integration_field_id
            WHERE c.workspace_id = \(bind: workspaceID) AND c.model = \(bind: model)
            ORDER BY part, key, custom_key
            """
        ).all()
        var passthrough: [IntegrationField] = []
        var custom: [(key: String, path: String?)] = []
        for row in rows {
            if try row.decode(column: "part", as: Int64.self) == 0 {
                passthrough.append(try IntegrationFieldRow.decode(row))
            } else {
                custom.append(
                    (
                        key: try row.decode(column: "custom_key", as: String.self),
                        path: try row.decode(column: "field_key", as: String?.self)
                    ))
            }
        }
        return FieldProjection(passthrough: passthrough, custom: custom)
    }

}

/// The statistics of every path in the payloads of one model's scanned records, added one
/// payload at a time (`FieldRepository.discoverFields`).
///
/// Each payload's leaves are visited in its text (`JSONObjectMembers.forEachLeaf`), so a path
/// costs a lookup by its bytes instead of a string built per record, and a value is parsed only
/// when it may still become a sample. `FieldDiscoveryTests` holds it to the statistics of the
/// tree-based scan it replaced.
struct FieldDiscovery {
    let model: String
    private var byPath: [[UInt8]: FieldStats] = [:]
    private var record = 0

    init(model: String) { self.model = model }

    /// Adds one record's `remote_data` object (its JSON text).
    mutating func add(_ remote: [UInt8]) throws {
        record += 1
        try JSONObjectMembers.forEachLeaf(of: remote, maxDepth: FieldPaths.maxDepth) { path, value in
            let raw = remote[value]
            if let index = byPath.index(forKey: path) {
                try byPath.values[index].add(raw, record: record)
            } else {
                // A copy of its own: the key would otherwise share the walk's path buffer, and
                // the walk's next change to it would copy it anyway.
                let key = path.withUnsafeBufferPointer { Array($0) }
                var stats = FieldStats(
                    masked: FieldPaths.isPersonal(model: model, path: String(decoding: key, as: UTF8.self)))
                try stats.add(raw, record: record)
                byPath[key] = stats
            }
        }
    }

    /// The statistics by path.
    var stats: [String: FieldStats] {
        var stats: [String: FieldStats] = [:]
        for (path, stat) in byPath {
            // Two byte sequences make one `String` only when canonically equivalent (`é` composed
            // or decomposed), which the tree's dictionaries took for one name as well.
            stats[String(decoding: path, as: UTF8.self), default: FieldStats(masked: stat.masked)].merge(stat)
        }
        return stats
    }
}

/// Statistics of one path over the scanned records.
struct FieldStats {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The path may hold personal data, so samples keep only a value's shape (`FieldPaths.mask`).
    let masked: Bool
    var setCount = 0
    var types = Set<String>()
    var samples: [String] = []
    /// The last record counted in `setCount`.
    private var lastRecord = 0
    /// Values already made into a sample (or found to repeat one), by their text: the same text
    /// makes the same sample, so it is not parsed and encoded again. Emptied once the samples
    /// are full, and bounded for paths whose values keep meeting the same few samples. Each is a
    /// copy: a slice of the payload would keep the whole payload's bytes.
    private var tried: Set<ArraySlice<UInt8>> = []
    private var triedBytes = 0
    private static let triedLimit = 64 * 1024

    init(masked: Bool) { self.masked = masked }

    /// Adds one value (never null) found at the path in the `record`th record scanned.
    mutating func add(_ raw: ArraySlice<UInt8>, record: Int) throws {
        if lastRecord != record {
            setCount += 1
            lastRecord = record
        }
        types.insert(Self.typeName(raw))
        guard samples.count < 5 else { return }
        if tried.contains(raw) { return }
        if triedBytes + raw.count <= Self.triedLimit {
            tried.insert(ArraySlice(Array(raw)))
            triedBytes += raw.count
        }
        add(sampleOf: try JSONValue.parse(Array(raw)))
        if samples.count == 5 { tried = [] }
    }

    /// Adds `value`'s text to the samples unless it is there already.
    private mutating func add(sampleOf value: JSONValue) {
        let sample = masked ? FieldPaths.mask(value) : value
        var text = (try? String(decoding: Self.encoder.encode(sample), as: UTF8.self)) ?? ""
        if text.count > 80 { text = String(text.prefix(79)) + "…" }
        if !samples.contains(text) { samples.append(text) }
    }

    /// `stats` added to these: the same path found under two byte sequences (`FieldDiscovery.stats`).
    mutating func merge(_ stats: FieldStats) {
        setCount += stats.setCount
        types.formUnion(stats.types)
        for sample in stats.samples where samples.count < 5 && !samples.contains(sample) { samples.append(sample) }
    }

    /// `FieldPaths.typeName` of the value `raw`, from its first byte.
    static func typeName(_ raw: ArraySlice<UInt8>) -> String {
        switch raw.first {
        case UInt8(ascii: "\""): "string"
        case UInt8(ascii: "{"): "object"
        case UInt8(ascii: "["): "array"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "boolean"
        case UInt8(ascii: "n"): "null"
        default: "number"
        }
    }
}

/// Paths into remote payloads: how they are found and how a value is read back by one.
public enum FieldPaths {
    static let maxDepth = 8

    /// Objects of a candidate's or application's payload that describe the account, not the
    /// person (the job applied to, its stage, the channel), and names of leaves that never
    /// hold personal values.
    static let accountObjects: Set<String> = ["job", "current_stage", "channel", "category", "department", "office"]
    static let neutralLeaves: Set<String> = ["id", "kind", "type", "timezone", "is_anonymized"]

    /// Whether the explorer may show `path`'s values as they are: jobs' payloads describe the
    /// account; candidates' and applications' describe people, except the parts named above.
    /// Anything else (names, emails, phones, answers, custom attributes, dates such as a
    /// birthday) is masked (`docs/personal-data.md`).
    static func isPersonal(model: String, path: String) -> Bool {
        guard model == "ats_candidates" || model == "ats_applications" else { return false }
        let segments = path.split(separator: ".").map { $0.hasSuffix("[]") ? String($0.dropLast(2)) : String($0) }
        if let leaf = segments.last, neutralLeaves.contains(leaf) { return false }
        return !segments.dropLast().contains(where: accountObjects.contains)
    }

    /// A value's shape without its content: an email keeps its first character and its domain
    /// (`j…@example.net`), other text its first character (`A…`), a number becomes `0`; true and
    /// false stay (they say little about a person on their own).
    static func mask(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            guard let first = text.first else { return value }
            if let at = text.lastIndex(of: "@"), at > text.startIndex {
                return .string("\(first)…\(text[at...])")
            }
            return .string("\(first)…")
        case .number: return .number(0)
        case .array(let items): return .array(items.map(mask))
        case .object(let members): return .object(members.mapValues(mask))
        case .null, .bool: return value
        case .canonical(let text): return mask(text.tree)
        }
    }

    /// The value at `path` in `remote`: nil when absent; a list of values when the path goes
    /// through a list.
    public static func value(at path: String, in remote: [String: JSONValue]) -> JSONValue? {
        var segments: [(name: String, list: Bool)] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var name = Substring(part)
            var lists = 0
            while name.hasSuffix("[]") {
                name = name.dropLast(2)
                lists += 1
            }
            segments.append((String(name), false))
            for _ in 0..<lists { segments.append(("", true)) }
        }
        func walk(_ value: JSONValue, _ index: Int) -> JSONValue? {
            guard index < segments.count else { return value }
            // A Personio item just read is kept as its text (`JSONValue.canonical`).
            let value = value.tree
            let segment = segments[index]
            if segment.list {
                guard case .array(let items) = value else { return nil }
                return .array(items.compactMap { walk($0, index + 1) })
            }
            guard case .object(let fields) = value, let child = fields[segment.name] else { return nil }
            return walk(child, index + 1)
        }
        return walk(.object(remote), 0)
    }

    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .array: "array"
        case .object: "object"
        case .null: "null"
        case .canonical(let text): typeName(text.tree)
        }
    }

    /// Personio's v2 recruiting reads carry no account-defined attributes ([C] §4), so only a
    /// path through a `custom…` key counts as CUSTOM.
    static func isCustom(_ key: String) -> Bool {
        key.split(separator: ".").contains { $0.hasPrefix("custom") }
    }

    /// A readable label: the path's last two names, each capitalised.
    static func label(_ key: String) -> String {
        key.replacingOccurrences(of: "[]", with: "").split(separator: ".").suffix(2)
            .map { $0.replacingOccurrences(of: "_", with: " ") }.map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined(separator: " › ")
    }
}

/// An `integration_fields` row.
private struct IntegrationFieldRow: StoredRow {
    static let table = "integration_fields"
    var id: String
    var model: String
    var key: String
    var type: String
    var label: String?
    var valueTypes: String
    var samples: String
    var setCount: Int64
    var recordCount: Int64
    var passthroughEnabled: Int64

    func value() throws -> IntegrationField {
        IntegrationField(
            id: id, model: model, key: key, type: type, label: label,
            valueTypes: try json(valueTypes, as: [String].self), samples: try json(samples, as: [String].self),
            setCount: Int(setCount), recordCount: Int(recordCount), passthroughEnabled: passthroughEnabled != 0)
    }
}

/// A `custom_fields` row.
private struct CustomFieldRow: StoredRow {
    static let table = "custom_fields"
    var id: String
    var workspaceID: String
    var model: String
    var key: String
    var label: String?
    var description: String?

    func value() -> CustomField {
        CustomField(id: id, workspaceID: workspaceID, model: model, key: key, label: label, description: description)
    }
}
