/// `{"status":"success","data":…}`: the body of every successful unified API response.
public struct SuccessEnvelope<Payload: Encodable & Sendable>: Encodable, Sendable {
    public let status = "success"
    public var data: Payload
    /// Present (as `[]` at least) only on endpoints whose SDK model requires it: ATS actions,
    /// on-demand attachment reads and passthrough. Absent elsewhere.
    public var warnings: [Warning]?

    public init(_ data: Payload, warnings: [Warning]? = nil) {
        self.data = data
        self.warnings = warnings
    }

    public struct Warning: Codable, Sendable, Equatable {
        public var message: String
        public init(message: String) { self.message = message }
    }

    private enum CodingKeys: String, CodingKey { case status, data, warnings }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status, forKey: .status)
        try container.encode(data, forKey: .data)
        try container.encodeIfPresent(warnings, forKey: .warnings)
    }
}

/// `{"next": cursor|null, "results": [...]}`: the `data` of every list endpoint.
public struct ListPage<Item: Encodable & Sendable>: Encodable, Sendable {
    public var next: String?
    public var results: [Item]

    public init(next: String?, results: [Item]) {
        self.next = next
        self.results = results
    }

    private enum CodingKeys: String, CodingKey { case next, results }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        // `next` is required by the SDK even on the last page.
        try container.encode(next, forKey: .next)
        try container.encode(results, forKey: .results)
    }
}

/// `{"status":"error","error":{"code","title","message","log_url"}}`. All four inner keys are
/// required by the SDK; `code`, `title` and `log_url` may be null.
public struct ErrorEnvelope: Codable, Sendable, Equatable {
    public var status = "error"
    public var error: Body

    public struct Body: Codable, Sendable, Equatable {
        public var code: String?
        public var title: String?
        public var message: String
        public var logURL: String?

        private enum CodingKeys: String, CodingKey {
            case code, title, message
            case logURL = "log_url"
        }

        public init(code: String?, title: String?, message: String, logURL: String?) {
            self.code = code
            self.title = title
            self.message = message
            self.logURL = logURL
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(title, forKey: .title)
            try container.encode(message, forKey: .message)
            try container.encode(logURL, forKey: .logURL)
        }
    }

    /// The envelope for `error` answered from `family`; the code is narrowed to what that
    /// family's SDK error class accepts.
    public init(_ error: APIError, family: ErrorCode.Family, logURL: String?) {
        let code = error.code.restricted(to: family)
        self.error = Body(code: code.rawValue, title: code.title, message: error.message, logURL: logURL)
    }
}
