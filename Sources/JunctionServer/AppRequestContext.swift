import Foundation
import Hummingbird
import JunctionModel
import JunctionStore
import Logging
import NIOCore
import NIOFoundationCompat

/// The per-request state every handler sees: the authenticated workspace, once the API key
/// middleware has run.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `APIKeyMiddleware`; every `/v1` handler can rely on it.
    public var workspaceID: String? {
        didSet { info.workspaceID = workspaceID }
    }
    /// The integration the request names (`X-Integration-Id`), read with the API key by
    /// `APIKeyMiddleware` when it is the workspace's; `IntegrationGate` checks it.
    public var integration: LoadedIntegration?
    /// On a list route, the API key its page's statement checks (`APIKeyMiddleware`), with the
    /// integration the request names; nil once the middleware checked the key itself.
    var presentedKey: PresentedAPIKey?
    /// Shared by every middleware's copy of this context: what the outer ones (request log,
    /// error envelope) learn from inner ones.
    public let info = RequestInfo()
    /// The client's IP address as the connection shows it (a reverse proxy's, behind one): what
    /// rate limits count by.
    public let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// `BodyLimitMiddleware` enforces the configured limit with a clear error before any
    /// handler runs; this is only the framework's backstop.
    public var maxUploadSize: Int { Int(Int32.max) }

    public var requestDecoder: UnifiedRequestDecoder { UnifiedRequestDecoder() }
    public var responseEncoder: UnifiedResponseEncoder { UnifiedResponseEncoder() }

    /// The authenticated workspace; a handler behind `APIKeyMiddleware` never sees nil.
    func requireWorkspace() throws -> String {
        guard let workspaceID else { throw APIError(.authenticationInvalid, "This endpoint needs an API key.") }
        return workspaceID
    }
}

/// Writes every response body with the unified JSON conventions (explicit nulls, millisecond
/// UTC timestamps).
public struct UnifiedResponseEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        let data = try UnifiedJSON.makeEncoder().encode(value)
        return Response.json(data)
    }
}

/// Reads request bodies as unified JSON and turns every decoding failure into a 400 that names
/// the field, instead of a framework message.
public struct UnifiedRequestDecoder: RequestDecoder {
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
        -> T
    {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        // JSON carries NUL only as the escape \u0000; a body with one names the field.
        if buffer.readableBytesView.firstRange(of: Array("\\u0000".utf8)) != nil,
            let value = try? UnifiedJSON.makeDecoder().decode(JSONValue.self, from: Data(buffer: buffer)),
            let path = value.pathOfNUL()
        {
            throw APIError.invalidInput("Field '\(path)' must not contain the NUL character (U+0000).")
        }
        do {
            return try UnifiedJSON.makeDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.invalidInput(Self.describe(error))
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(body)" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "Missing required field '\(path(context.codingPath + [key]))'."
        case .valueNotFound(_, let context):
            return "Field '\(path(context.codingPath))' must not be null."
        case .typeMismatch(let type, let context):
            return "Field '\(path(context.codingPath))' has the wrong type; expected \(Self.jsonType(type))."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "The request body is not valid JSON."
            }
            return "Field '\(path(context.codingPath))' is invalid: \(context.debugDescription)"
        @unknown default:
            return "The request body could not be read."
        }
    }

    private static func jsonType(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        default: "\(type)"
        }
    }
}

extension Response {
    /// A 200 JSON response with the content type Kombo's SDK expects, `body` as it is.
    static func json(_ body: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: body))
    }

    /// A 200 JSON response with the content type Kombo's SDK expects.
    static func json(_ bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        json(ByteBuffer(bytes: bytes), status: status)
    }
}

extension SuccessEnvelope: ResponseGenerator, ResponseEncodable {}

/// A request's id and, once authenticated, its workspace: one object per request, so the error
/// middleware sees what the API key middleware (further in) found.
public final class RequestInfo: @unchecked Sendable {
    private let lock = NSLock()
    private var _workspaceID: String?
    private var _requestID: String?

    public var workspaceID: String? {
        get { lock.withLock { _workspaceID } }
        set { lock.withLock { _workspaceID = newValue } }
    }

    public var requestID: String? {
        get { lock.withLock { _requestID } }
        set { lock.withLock { _requestID = newValue } }
    }
}
