import Foundation

/// A request to forward to one of a tool's own APIs, already checked to stay below that API's
/// base (`POST /v1/passthrough/{tool}/{api}`).
public struct PassthroughRequest: Sendable {
    /// One of the tool's `ToolDescriptor.passthroughAPIs`.
    public var api: String
    /// GET, POST, PUT, PATCH or DELETE.
    public var method: String
    /// Starts with `/`; appended to the API's base.
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Data?

    public init(
        api: String, method: String, path: String, query: [(String, String)], headers: [(String, String)],
        body: Data?
    ) {
        self.api = api
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// The tool's answer to a passthrough request, as it came.
public struct PassthroughResponse: Sendable {
    public var url: String
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(url: String, status: Int, headers: [(String, String)], body: Data) {
        self.url = url
        self.status = status
        self.headers = headers
        self.body = body
    }
}
