import Foundation
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// The API half of the connect flow (`docs/unified-api.md`, "General and connect"): links to the
/// hosted page for a new integration, a relink or the setup steps, and the activation token
/// exchange. The page itself is `ConnectPageController`.
struct ConnectController {
    let store: Store
    /// Where end customers reach this server, without a trailing slash.
    let publicURL: String
    /// The tools whose integrations a connect link can make.
    let connectors: ConnectorRegistry

    static let languages = ["en", "de", "fr", "it", "es", "nl"]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("connect/create-link") { request, context in
            let workspaceID = try context.requireWorkspace()
            let body = try await request.decode(as: CreateLinkBody.self, context: context)
            let email = try Self.required(body.endUserEmail, "end_user_email")
            guard email.contains("@"), !email.contains(where: \.isWhitespace) else {
                throw APIError.invalidInput("Field 'end_user_email' must be an email address, not '\(email)'.")
            }
            let organization = try Self.required(body.endUserOrganizationName, "end_user_organization_name")
            let category = body.integrationCategory ?? "HRIS"
            guard category == "ATS" else {
                throw APIError.invalidInput(
                    "Field 'integration_category' is '\(category)', but Junction connects ATS integrations only: "
                        + "send \"ATS\" (the SDK sends \"HRIS\" unless told otherwise).")
            }
            let (tool, sandboxURL) = try target(body.integrationTool)
            var link = ConnectLink(
                workspaceID: workspaceID, kind: .create, tool: tool, linkType: try Self.linkType(body.linkType),
                language: try Self.language(body.language), endUserEmail: email,
                endUserOrganizationName: organization, endUserOriginID: body.endUserOriginID)
            link.sandboxURL = sandboxURL
            return SuccessEnvelope(LinkData(link: try await url(for: link)))
        }
        group.get("connect/integration-by-token/:token") { _, context in
            let workspaceID = try context.requireWorkspace()
            let token = context.parameters.get("token") ?? ""
            guard
                let integration = try await store.connectLinks.integration(
                    activationToken: token, workspaceID: workspaceID, now: Date())
            else {
                throw APIError(
                    .integrationNotFound,
                    "No integration was connected with this activation token in this workspace (tokens are valid for 24 hours)."
                )
            }
            return SuccessEnvelope(
                JSONValue.object([
                    "id": .string(integration.id.description), "tool": .string(integration.id.tool.rawValue),
                    "end_user_origin_id": integration.endUserOriginID.map(JSONValue.string) ?? .null,
                    "end_user_organization_name": .string(integration.endUserOrganizationName),
                    "end_user_email": integration.endUserEmail.map(JSONValue.string) ?? .null,
                    "setup_status": .string(integration.setupStatus.rawValue),
                ]))
        }
        group.post("integrations/:integration_id/relink") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let body = try await request.decode(as: RelinkBody.self, context: context)
            let link = ConnectLink(
                workspaceID: integration.workspaceID, kind: .relink, integrationID: integration.id.description,
                tool: integration.id.tool, linkType: try Self.linkType(body.linkType),
                language: try Self.language(body.language),
                endUserEmail: integration.endUserEmail, endUserOrganizationName: integration.endUserOrganizationName,
                endUserOriginID: integration.endUserOriginID)
            return SuccessEnvelope(LinkData(link: try await url(for: link)))
        }
        group.post("integrations/:integration_id/setup-link") { request, context in
            let integration = try await store.integrations.requireIntegration(context)
            let body = try await request.decode(as: SetupLinkBody.self, context: context)
            guard let type = body.linkType else {
                throw APIError.invalidInput("Missing required field 'link_type' (EMBEDDED or MAGIC_LINK).")
            }
            let link = ConnectLink(
                workspaceID: integration.workspaceID, kind: .setup, integrationID: integration.id.description,
                tool: integration.id.tool, linkType: try Self.linkType(type),
                language: try Self.language(body.language),
                endUserEmail: integration.endUserEmail, endUserOrganizationName: integration.endUserOrganizationName,
                endUserOriginID: integration.endUserOriginID)
            return SuccessEnvelope(LinkData(link: try await url(for: link)))
        }
    }

    /// What a new link connects: Kombo's `sandbox` tool is the sandbox this server runs (of the
    /// tool it emulates, with that tool's flow); any other name is a tool as `tool(_:)` finds it.
    func target(_ named: String?) throws -> (Tool, sandboxURL: String?) {
        guard named == "sandbox" else { return (try tool(named), nil) }
        guard let tool = connectors.tools.first(where: { connectors[$0]?.sandboxURL != nil }),
            let url = connectors[tool]?.sandboxURL
        else {
            throw APIError.invalidInput(
                "Field 'integration_tool' is 'sandbox', but this server runs no sandbox: it runs one with the demo "
                    + "(JUNCTION_DEMO=true, the default).")
        }
        return (tool, url)
    }

    /// The tool a new link connects: the one named, which must have a connect page here, or
    /// this server's one such tool when none is named.
    func tool(_ named: String?) throws -> Tool {
        let connectable = connectors.tools.filter { connectors[$0]?.connectFlow != nil }
        let names = connectable.map { "'\($0)'" }.joined(separator: ", ")
        guard let named else {
            guard connectable.count == 1, let only = connectable.first else {
                throw APIError.invalidInput("Field 'integration_tool' is required: one of \(names).")
            }
            return only
        }
        guard let tool = Tool(rawValue: named), connectable.contains(tool) else {
            throw APIError.invalidInput(
                "Field 'integration_tool' is '\(named)', but Junction connects only \(names) (or leave it null).")
        }
        return tool
    }

    private func url(for link: ConnectLink) async throws -> String {
        let token = try await store.connectLinks.createConnectLink(link)
        return "\(publicURL)/connect/\(token)"
    }

    static func required(_ value: String?, _ field: String) throws -> String {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            throw APIError.invalidInput("Missing required field '\(field)'.")
        }
        return value
    }

    static func linkType(_ text: String?) throws -> ConnectLink.LinkType {
        guard let text else { return .embedded }
        guard let type = ConnectLink.LinkType(rawValue: text) else {
            throw APIError.invalidInput("Field 'link_type' must be EMBEDDED or MAGIC_LINK, not '\(text)'.")
        }
        return type
    }

    /// The languages the connect page speaks: Kombo's five and Dutch (Personio's markets).
    static func language(_ text: String?) throws -> String {
        guard let text else { return "en" }
        guard languages.contains(text) else {
            throw APIError.invalidInput(
                "Field 'language' must be one of \(languages.joined(separator: ", ")), not '\(text)'.")
        }
        return text
    }

    struct LinkData: Encodable {
        var link: String
    }

    struct CreateLinkBody: Decodable {
        var endUserEmail: String?
        var endUserOrganizationName: String?
        var endUserOriginID: String?
        var integrationCategory: String?
        var integrationTool: String?
        var language: String?
        var linkType: String?

        enum CodingKeys: String, CodingKey {
            case endUserEmail = "end_user_email"
            case endUserOrganizationName = "end_user_organization_name"
            case endUserOriginID = "end_user_origin_id"
            case integrationCategory = "integration_category"
            case integrationTool = "integration_tool"
            case language
            case linkType = "link_type"
        }
    }

    struct RelinkBody: Decodable {
        var language: String?
        var linkType: String?
        enum CodingKeys: String, CodingKey {
            case language
            case linkType = "link_type"
        }
    }

    typealias SetupLinkBody = RelinkBody
}
