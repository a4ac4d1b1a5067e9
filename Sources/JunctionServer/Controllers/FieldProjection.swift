import JunctionModel
import JunctionStore

/// A record that carries `custom_fields` and `integration_fields`, filled at read time from
/// its `remote_data`, so a new mapping or passthrough field shows without a resync.
protocol FieldCarrying {
    /// The explorer's model id (`ats_jobs`, …).
    static var fieldModel: String { get }
    var remoteData: [String: JSONValue]? { get }
    var customFields: [String: JSONValue]? { get set }
    var integrationFields: [JSONValue] { get set }
}

extension Job: FieldCarrying {
    static var fieldModel: String { "ats_jobs" }
}

extension Candidate: FieldCarrying {
    static var fieldModel: String { "ats_candidates" }
}

extension JunctionModel.Application: FieldCarrying {
    static var fieldModel: String { "ats_applications" }
}

enum FieldCarryingProjection {
    /// `record` with the projection's values: every custom field of the model as a key (null
    /// when unmapped or absent), every passthrough field as `{id, key, type, value, label}`.
    static func apply<Record>(_ projection: FieldProjection, to record: Record) -> Record {
        guard var carrying = record as? any FieldCarrying else { return record }
        apply(projection, to: &carrying)
        return carrying as? Record ?? record
    }

    static func apply(_ projection: FieldProjection, to record: inout some FieldCarrying) {
        let remote = record.remoteData ?? [:]
        if !projection.custom.isEmpty {
            var custom = record.customFields ?? [:]
            for (key, path) in projection.custom {
                custom[key] = path.flatMap { FieldPaths.value(at: $0, in: remote) } ?? .null
            }
            record.customFields = custom
        }
        record.integrationFields += projection.passthrough.map { field in
            .object([
                "id": .string(field.id), "key": .string(field.key), "type": .string(field.type),
                "value": FieldPaths.value(at: field.key, in: remote) ?? .null,
                "label": field.label.map(JSONValue.string) ?? .null,
            ])
        }
    }
}
