/// An error a client is meant to see: a stable code and a message that names what is wrong.
///
/// Every module turns its own failures into one of these at the HTTP edge; an error that is not
/// an `APIError` there is a bug and is answered as `PLATFORM.UNKNOWN_ERROR` with a log id.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: ErrorCode
    public var message: String
    /// Overrides `code.httpStatus` where one code covers several situations (404 for routes).
    public var status: Int
    /// Seconds after which a retry may succeed, sent as `Retry-After` (rate limits).
    public var retryAfterSeconds: Int?

    public init(_ code: ErrorCode, _ message: String, status: Int? = nil) {
        self.code = code
        self.message = message
        self.status = status ?? code.httpStatus
    }

    public var description: String { "\(code.rawValue) (\(status)): \(message)" }

    // MARK: - Common cases

    public static func invalidInput(_ message: String) -> APIError {
        APIError(.inputInvalid, message)
    }

    public static func routeNotFound(method: String, path: String) -> APIError {
        APIError(
            .inputInvalid,
            "No route for \(method) \(path). The API is served under /v1 (for example GET /v1/check-api-key).",
            status: 404
        )
    }
}
