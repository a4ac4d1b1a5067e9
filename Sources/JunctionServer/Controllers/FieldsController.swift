import Foundation
import Hummingbird
import JunctionModel
import JunctionStore

/// The custom field explorer over the API (`docs/unified-api.md`, "General and connect"):
/// integration fields with passthrough, custom fields with their per-integration mapping, and
/// (Junction's addition) defining custom fields.
struct FieldsController {
    let store: Store
    let cursors: PageCursor

    static let models = FieldRepository.fieldModels.map(\.model)

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("integrations/:integration_id/integration-fields") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let id = integration.id.description
            let (size, after) = try cursors.page(request, maximum: 2000, model: "integration-fields", scope: id)
            let page = try await store.fields.integrationFields(integrationID: id, after: after, limit: size)
            return SuccessEnvelope(
                ListPage(
                    next: cursors.next(after: page.nextAfter, size: size, model: "integration-fields", scope: id),
                    results: page.fields.map(Self.json)))
        }
        group.patch("integrations/:integration_id/integration-fields/:field_id") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let field = try await findField(context, integration)
            let body = try await request.decode(as: PassthroughBody.self, context: context)
            if let enabled = body.enablePassthrough {
                try await store.fields.setPassthrough(
                    enabled, fieldID: field.id, integrationID: integration.id.description)
            }
            let updated = try await store.fields.integrationField(
                id: field.id, integrationID: integration.id.description)
            return SuccessEnvelope(Self.json(updated ?? field))
        }
        group.get("integrations/:integration_id/custom-fields") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let id = integration.id.description
            let (size, after) = try cursors.page(request, maximum: 250, model: "custom-fields", scope: id)
            let all = try await store.fields.customFields(workspaceID: integration.workspaceID)
            let mappings = try await store.fields.customFieldMappings(integrationID: id)
            let rest = all.filter { after == nil || $0.id > after! }.sorted { $0.id < $1.id }
            let pageItems = Array(rest.prefix(size))
            let next = cursors.next(
                after: rest.count > size ? pageItems.last?.id : nil, size: size, model: "custom-fields", scope: id)
            return SuccessEnvelope(ListPage(next: next, results: pageItems.map { Self.json($0, mappings[$0.id]) }))
        }
        group.put("integrations/:integration_id/custom-fields/:custom_field_id") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let customID = context.parameters.get("custom_field_id") ?? ""
            guard let custom = try await store.fields.customField(id: customID, workspaceID: integration.workspaceID)
            else {
                throw APIError.invalidInput("No custom field '\(customID)' is defined in this workspace.")
            }
            let body = try await request.decode(as: MappingBody.self, context: context)
            var mapped: IntegrationField?
            if let fieldID = body.integrationFieldID {
                guard
                    let field = try await store.fields.integrationField(
                        id: fieldID, integrationID: integration.id.description)
                else {
                    throw APIError.invalidInput(
                        "Field 'integration_field_id': no integration field '\(fieldID)' exists for this integration.")
                }
                guard field.model == custom.model else {
                    throw APIError.invalidInput(
                        "Field 'integration_field_id': '\(field.key)' belongs to \(field.model), but custom field "
                            + "'\(custom.key)' belongs to \(custom.model).")
                }
                mapped = field
            }
            try await store.fields.mapCustomField(custom.id, to: mapped?.id, integrationID: integration.id.description)
            return SuccessEnvelope(Self.json(custom, mapped))
        }
        addWorkspaceRoutes(to: group)
    }

    /// Junction's additions: Kombo defines custom fields in its dashboard; here the API (and
    /// Junction's dashboard) does.
    private func addWorkspaceRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("custom-fields") { _, context in
            let workspaceID = try context.requireWorkspace()
            let all = try await store.fields.customFields(workspaceID: workspaceID)
            return SuccessEnvelope(ListPage(next: nil, results: all.map { Self.json($0, nil) }))
        }
        group.post("custom-fields") { request, context in
            let workspaceID = try context.requireWorkspace()
            let body = try await request.decode(as: CustomFieldBody.self, context: context)
            let field = try Self.validate(body, workspaceID: workspaceID)
            guard try await store.fields.createCustomField(field, now: Date()) else {
                throw APIError.invalidInput("Field 'key': '\(field.key)' is already a custom field of \(field.model).")
            }
            return SuccessEnvelope(Self.json(field, nil))
        }
        group.delete("custom-fields/:custom_field_id") { _, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("custom_field_id") ?? ""
            guard try await store.fields.deleteCustomField(id: id, workspaceID: workspaceID) else {
                throw APIError.invalidInput("No custom field '\(id)' is defined in this workspace.")
            }
            return SuccessEnvelope(JSONValue.object([:]))
        }
    }

    static func validate(_ body: CustomFieldBody, workspaceID: String) throws -> CustomField {
        guard let model = body.model else { throw APIError.invalidInput("Missing required field 'model'.") }
        guard models.contains(model) else {
            throw APIError.invalidInput(
                "Field 'model' must be one of \(models.joined(separator: ", ")), not '\(model)'.")
        }
        guard let key = body.key else { throw APIError.invalidInput("Missing required field 'key'.") }
        let allowed = key.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
        guard allowed, let first = key.utf8.first, (97...122).contains(first), key.utf8.count <= 63 else {
            throw APIError.invalidInput(
                "Field 'key' must start with a lowercase letter and hold only lowercase letters, digits and underscores (at most 63), not '\(key)'."
            )
        }
        return CustomField(
            id: Identifier.random(), workspaceID: workspaceID, model: model, key: key, label: body.label,
            description: body.description)
    }

    private func findField(_ context: AppRequestContext, _ integration: Integration) async throws -> IntegrationField {
        let id = context.parameters.get("field_id") ?? ""
        guard let field = try await store.fields.integrationField(id: id, integrationID: integration.id.description)
        else {
            throw APIError.invalidInput(
                "No integration field '\(id)' exists for integration '\(integration.id)'; list them with GET /v1/integrations/\(integration.id)/integration-fields."
            )
        }
        return field
    }

    static func json(_ field: IntegrationField) -> JSONValue {
        .object([
            "id": .string(field.id), "key": .string(field.key), "model": .string(field.model),
            "type": .string(field.type), "label": field.label.map(JSONValue.string) ?? .null,
            "is_passthrough_enabled": .bool(field.passthroughEnabled), "is_writable": .bool(false),
            // Junction's additions for the explorer.
            "value_types": .array(field.valueTypes.map(JSONValue.string)),
            "samples": .array(field.samples.map(JSONValue.string)),
            "set_count": .number(Double(field.setCount)), "record_count": .number(Double(field.recordCount)),
        ])
    }

    static func json(_ custom: CustomField, _ mapped: IntegrationField?) -> JSONValue {
        .object([
            "id": .string(custom.id), "key": .string(custom.key), "model": .string(custom.model),
            "label": custom.label.map(JSONValue.string) ?? .null,
            "description": custom.description.map(JSONValue.string) ?? .null,
            "integration_field": mapped.map {
                .object([
                    "id": .string($0.id), "key": .string($0.key), "type": .string($0.type),
                    "label": $0.label.map(JSONValue.string) ?? .null,
                ])
            } ?? .null,
        ])
    }

    /// `{enable_passthrough: bool|null}`: the key is required, null changes nothing.
    struct PassthroughBody: Decodable {
        var enablePassthrough: Bool?
        enum CodingKeys: String, CodingKey { case enablePassthrough = "enable_passthrough" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            enablePassthrough = try container.requiredNullable(Bool.self, .enablePassthrough)
        }
    }

    /// `{integration_field_id: string|null}`: the key is required, null removes the mapping.
    struct MappingBody: Decodable {
        var integrationFieldID: String?
        enum CodingKeys: String, CodingKey { case integrationFieldID = "integration_field_id" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            integrationFieldID = try container.requiredNullable(String.self, .integrationFieldID)
        }
    }

    struct CustomFieldBody: Decodable {
        var model: String?
        var key: String?
        var label: String?
        var description: String?
    }
}

extension KeyedDecodingContainer {
    /// A key that must be present but may be null.
    func requiredNullable<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        guard contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "required"))
        }
        return try decodeNil(forKey: key) ? nil : decode(T.self, forKey: key)
    }
}
