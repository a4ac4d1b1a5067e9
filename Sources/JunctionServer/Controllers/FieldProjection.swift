import Foundation
import JunctionModel
import JunctionStore

/// `custom_fields` and `integration_fields`, filled at read time from a record's `remote_data`,
/// so a new mapping or passthrough field shows without a resync.
enum FieldCarryingProjection {
    /// The explorer's model id of the read models that carry these fields.
    static func fieldModel(of type: Any.Type) -> String? {
        switch type {
        case is Job.Type: "ats_jobs"
        case is Candidate.Type: "ats_candidates"
        case is JunctionModel.Application.Type: "ats_applications"
        default: nil
        }
    }

    /// The two members of a stored record with the projection applied: every custom field of the
    /// model as a key (null when unmapped or absent), every passthrough field appended as
    /// `{id, key, type, value, label}`. Decodes only what it needs from the document.
    static func members(_ projection: FieldProjection, of document: JSONObjectMembers) throws
        -> [(key: String, value: [UInt8])]
    {
        let decoder = JSONDecoder()
        // Each member may be absent or null; both read as empty.
        let remote: [String: JSONValue] =
            try document.decode([String: JSONValue]?.self, "remote_data", using: decoder).flatMap { $0 } ?? [:]
        var custom: [String: JSONValue]? =
            try document.decode([String: JSONValue]?.self, "custom_fields", using: decoder).flatMap { $0 }
        var integration: [JSONValue] =
            try document.decode([JSONValue]?.self, "integration_fields", using: decoder).flatMap { $0 } ?? []
        if !projection.custom.isEmpty {
            var values = custom ?? [:]
            for (key, path) in projection.custom {
                values[key] = path.flatMap { FieldPaths.value(at: $0, in: remote) } ?? .null
            }
            custom = values
        }
        integration += projection.passthrough.map { field in
            .object([
                "id": .string(field.id), "key": .string(field.key), "type": .string(field.type),
                "value": FieldPaths.value(at: field.key, in: remote) ?? .null,
                "label": field.label.map(JSONValue.string) ?? .null,
            ])
        }
        let encoder = UnifiedJSON.makeEncoder()
        return [
            ("custom_fields", [UInt8](try encoder.encode(custom.map(JSONValue.object) ?? .null))),
            ("integration_fields", [UInt8](try encoder.encode(integration))),
        ]
    }
}
