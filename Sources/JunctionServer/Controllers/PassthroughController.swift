import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging
import NIOCore
import NIOFoundationCompat

/// `POST /v1/passthrough/{tool}/{api}`: a request to one of the tool's own APIs, sent by its
/// connector with the integration's credentials inside the account's request budget
/// (`docs/unified-api.md`, "General and connect").
struct PassthroughController {
    let gate: IntegrationGate
    let store: Store
    let connectors: ConnectorRegistry
    let fetcher: any AttachmentFetcher
    let maxBodyBytes: Int
    let logger: Logger

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("passthrough/:tool/:api") { request, context -> Response in
            let toolName = context.parameters.get("tool") ?? ""
            let apiName = context.parameters.get("api") ?? ""
            guard let connector = Tool(rawValue: toolName).flatMap({ connectors[$0] }),
                !connector.descriptor.passthroughAPIs.isEmpty
            else {
                let tools = connectors.tools.filter { connectors[$0]?.descriptor.passthroughAPIs.isEmpty == false }
                throw APIError.invalidInput(
                    "Passthrough serves the tool\(tools.count == 1 ? "" : "s") \(tools.map { "'\($0)'" }.joined(separator: ", ")) only, not '\(toolName)'."
                )
            }
            let descriptor = connector.descriptor
            guard descriptor.passthroughAPIs.contains(apiName) else {
                let names = descriptor.passthroughAPIs.joined(separator: ", ")
                throw APIError.invalidInput("Unknown \(descriptor.label) API '\(apiName)'; use one of \(names).")
            }
            // Passthrough needs credentials, not synced data: it works from the moment the
            // integration exists, during its first sync too.
            let integration = try await gate.enabledIntegration(request, context: context)
            let buffer = try await request.body.collect(upTo: maxBodyBytes)
            let body: JSONValue
            do {
                body = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer))
            } catch {
                throw APIError.invalidInput("The request body is not JSON: \(error.localizedDescription)")
            }
            var (forward, base64) = try Self.request(body, api: apiName)
            try connector.checkPassthrough(forward)
            guard integration.id.tool == connector.descriptor.tool else {
                throw APIError.invalidInput(
                    "Integration \(integration.id) is a \(integration.id.tool) integration, not a \(descriptor.label) one."
                )
            }
            if case .object(let fields) = body, let parts = fields["multipart_form_data"], parts != .null {
                let (data, contentType) = try await multipart(parts)
                forward.body = data
                forward.headers.removeAll { $0.0.lowercased() == "content-type" }
                forward.headers.append(("Content-Type", contentType))
            }
            let credentials = try await gate.credentials(integration, context: context)
            let answer = try await connector.passthrough(forward, integration: integration, credentials: credentials)
            logger.info(
                "passthrough",
                metadata: [
                    "integration": "\(integration.id)", "api": "\(apiName)",
                    "method": "\(forward.method)", "path": "\(forward.path)", "status": "\(answer.status)",
                ])
            // A field a later Kombo version may add is ignored, and said so.
            var warnings: [SuccessEnvelope<JSONValue>.Warning] = Self.unknownFields(of: body).map {
                .init(message: "'\($0)' is not a field of a passthrough request Junction knows; it was ignored.")
            }
            let data = Self.data(answer, base64: base64, warnings: &warnings)
            var headers: [String: JSONValue] = [:]
            for (name, value) in answer.headers {
                let key = name.lowercased()
                switch headers[key] {
                case .string(let first)?: headers[key] = .array([.string(first), .string(value)])
                case .array(let values)?: headers[key] = .array(values + [.string(value)])
                default: headers[key] = .string(value)
                }
            }
            let payload: JSONValue = .object([
                "url": .string(answer.url), "status": .number(Double(answer.status)), "headers": .object(headers),
                "data": data,
            ])
            return Response.json(try UnifiedJSON.makeEncoder().encode(SuccessEnvelope(payload, warnings: warnings)))
        }
    }

    // MARK: - Checking the request

    /// Headers a caller may not set: Junction authenticates, and nothing may move the request
    /// to another host or change its framing.
    static let reservedHeaders: Set<String> = [
        "host", "authorization", "x-company-id", "cookie", "forwarded", "x-forwarded-host", "x-forwarded-for",
        "x-forwarded-proto", "x-original-url", "x-rewrite-url", "content-length", "transfer-encoding", "connection",
        "proxy-authorization", "upgrade", "te",
    ]

    static let knownFields: Set<String> = [
        "method", "path", "headers", "params", "data", "response_as_base64", "multipart_form_data", "api_options",
    ]

    static func unknownFields(of body: JSONValue) -> [String] {
        guard case .object(let fields) = body else { return [] }
        return fields.keys.sorted().filter { !knownFields.contains($0) }
    }

    /// The body checked and turned into a forwardable request; every refusal names the field.
    static func request(_ body: JSONValue, api: String) throws -> (PassthroughRequest, base64: Bool) {
        guard case .object(let fields) = body else { throw APIError.invalidInput("The body must be a JSON object.") }
        guard case .string(let methodName)? = fields["method"],
            ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(methodName)
        else { throw APIError.invalidInput("'method' must be GET, POST, PUT, PATCH or DELETE.") }
        guard case .string(let given)? = fields["path"] else {
            throw APIError.invalidInput("'path' is required: the path below the API's base, like /company/employees.")
        }
        // A query written into the path joins `params` (as Kombo takes it); the path itself is
        // checked as strictly as ever.
        let (path, pathQuery) = try splitQuery(given)
        try checkPath(path)
        var query: [(String, String)] = pathQuery
        switch fields["params"] {
        case .object(let params)?:
            for (name, value) in params.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else {
                    throw APIError.invalidInput("'params.\(name)' must be a string.")
                }
                query.append((name, text))
            }
        case nil, .null?: break
        default: throw APIError.invalidInput("'params' must be an object of strings.")
        }
        var headers: [(String, String)] = []
        switch fields["headers"] {
        case .object(let given)?:
            for (name, value) in given.sorted(by: { $0.key < $1.key }) {
                guard case .string(let text) = value else {
                    throw APIError.invalidInput("'headers.\(name)' must be a string.")
                }
                guard !reservedHeaders.contains(name.lowercased()) else {
                    throw APIError.invalidInput(
                        "'headers.\(name)' may not be set: Junction authenticates and keeps the request on the tool's API."
                    )
                }
                // By scalar, not by Character: "\r\n" is one Character that equals neither "\r" nor "\n".
                guard HTTPField.Name(name) != nil,
                    !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
                else {
                    throw APIError.invalidInput(
                        "'headers.\(name)' is not a valid header: names are tokens, values hold no CR, LF or NUL.")
                }
                headers.append((name, text))
            }
        case nil, .null?: break
        default: throw APIError.invalidInput("'headers' must be an object of strings.")
        }
        var payload: Data?
        switch fields["data"] {
        case nil, .null?: break
        case .string(let text)?: payload = Data(text.utf8)
        case let value?:
            payload = try UnifiedJSON.makeEncoder().encode(value)
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                headers.append(("Content-Type", "application/json"))
            }
        }
        let base64: Bool
        switch fields["response_as_base64"] {
        case .bool(let flag)?: base64 = flag
        case nil, .null?: base64 = false
        default: throw APIError.invalidInput("'response_as_base64' must be true or false.")
        }
        return (
            PassthroughRequest(api: api, method: methodName, path: path, query: query, headers: headers, body: payload),
            base64
        )
    }

    /// `path` without its query, and the query's pairs, percent-decoded; a fragment or a query
    /// that does not decode is refused.
    static func splitQuery(_ path: String) throws -> (String, [(String, String)]) {
        guard let mark = path.firstIndex(of: "?") else { return (path, []) }
        let text = String(path[path.index(after: mark)...])
        guard !text.contains("#"), !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else {
            throw APIError.invalidInput(
                "'path' has a query with a fragment, spaces or control characters; put the parameters in 'params'.")
        }
        var pairs: [(String, String)] = []
        for piece in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String? {
                String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
            guard let name = decode(parts[0]), !name.isEmpty, let value = parts.count > 1 ? decode(parts[1]) : ""
            else {
                throw APIError.invalidInput("'path' has a query that is not percent-encoded correctly: '\(piece)'.")
            }
            pairs.append((name, value))
        }
        return (String(path[..<mark]), pairs)
    }

    /// A path below the API's base and nothing else: it starts with `/`, and holds no scheme,
    /// authority, `..` segment, backslash, query, fragment, control character or percent-encoded
    /// separator that a server might decode into one of those.
    static func checkPath(_ path: String) throws {
        func refuse(_ why: String) -> APIError {
            APIError.invalidInput("'path' \(why); it must stay below the API's base, like /company/employees.")
        }
        guard path.hasPrefix("/") else { throw refuse("must start with /") }
        guard !path.hasPrefix("//") else { throw refuse("must not start with // (another host)") }
        if path.contains("://") { throw refuse("must not be an absolute URL") }
        if path.contains("\\") { throw refuse("must not contain a backslash") }
        if path.contains("?") || path.contains("#") {
            throw refuse("must not carry a fragment")
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            throw refuse("must not contain spaces or control characters")
        }
        if path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." }) {
            throw refuse("must not contain . or .. segments")
        }
        let lower = path.lowercased()
        for encoded in ["%2e", "%2f", "%5c", "%00", "%3f", "%23", "%40", "%25"] where lower.contains(encoded) {
            throw refuse("must not contain the encoded character \(encoded)")
        }
        if path.contains("@") { throw refuse("must not contain @") }
    }

    /// `multipart_form_data` as a body: string values and files (`data` base64 or `data_url`).
    func multipart(_ value: JSONValue) async throws -> (Data, String) {
        guard case .array(let parts) = value else {
            throw APIError.invalidInput("'multipart_form_data' must be a list of {name, value}.")
        }
        var form = FormData()
        for (index, part) in parts.enumerated() {
            guard case .object(let fields) = part, case .string(let name)? = fields["name"] else {
                throw APIError.invalidInput("'multipart_form_data[\(index)].name' is required.")
            }
            switch fields["value"] {
            case .string(let text)?:
                form.fields.append((name, .text(text)))
            case .object(let file)?:
                guard case .string(let filename)? = file["name"] else {
                    throw APIError.invalidInput("'multipart_form_data[\(index)].value.name' is required.")
                }
                let bytes: Data
                var contentType = "application/octet-stream"
                if case .string(let encoded)? = file["data"] {
                    guard let decoded = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                        throw APIError.invalidInput("'multipart_form_data[\(index)].value.data' must be base64.")
                    }
                    bytes = decoded
                } else if case .string(let url)? = file["data_url"] {
                    switch await fetcher.fetch(url) {
                    case .success(let download):
                        bytes = download.data
                        if let given = download.contentType { contentType = given }
                    case .failure(let error):
                        throw APIError.invalidInput("'multipart_form_data[\(index)].value.data_url': \(error.message)")
                    }
                } else {
                    throw APIError.invalidInput("'multipart_form_data[\(index)].value' needs 'data' or 'data_url'.")
                }
                if case .string(let given)? = file["content_type"] { contentType = given }
                form.fields.append((name, .file(filename: filename, contentType: contentType, bytes: bytes)))
            default:
                throw APIError.invalidInput("'multipart_form_data[\(index)].value' must be a string or a file.")
            }
        }
        let (body, contentType) = form.encoded()
        return (Data(buffer: body), contentType)
    }

    /// JSON as JSON, text as text, anything else (or when asked) as base64.
    static func data(
        _ answer: PassthroughResponse, base64: Bool, warnings: inout [SuccessEnvelope<JSONValue>.Warning]
    ) -> JSONValue {
        if answer.body.isEmpty { return .null }
        if base64 { return .string(answer.body.base64EncodedString()) }
        let contentType = answer.headers.first { $0.0.lowercased() == "content-type" }?.1.lowercased() ?? ""
        if contentType.contains("json"), let json = try? JSONDecoder().decode(JSONValue.self, from: answer.body) {
            return json
        }
        if let text = String(data: answer.body, encoding: .utf8) { return .string(text) }
        warnings.append(.init(message: "The response body is not text; it is sent as base64."))
        return .string(answer.body.base64EncodedString())
    }
}
