/// How a conversation with Personio failed, with what the caller needs to decide: whether the
/// credentials are broken (the integration turns INVALID), whether a retry may help, and the
/// request it concerns (never with secrets).
public enum PersonioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Client credentials refused (`invalid_client`), or a token refused even after a refresh.
    case authenticationFailed(String)
    /// The credentials lack a scope or the account lacks a feature.
    case forbidden(String)
    /// 404 for a whole endpoint (the recruiting API is not enabled) or a missing record.
    case notFound(String)
    /// Still rate limited after every retry.
    case rateLimited(String)
    /// 5xx or a timeout after every retry.
    case unavailable(String)
    /// A response that is not what Personio sends (bad JSON, truncated XML, missing fields).
    case malformedResponse(String)
    /// Any other HTTP status.
    case unexpectedStatus(Int, String)
    /// The connection failed after every retry.
    case transport(String)
    /// The integration's settings for this connector are malformed (names the setting).
    case invalidSettings(String)
    /// Personio refused a write, naming the fields and its reasons.
    case rejected([PersonioFieldError])
    /// The account's write allowance is used up for longer than a write may wait.
    case writeLimited(retryAfterSeconds: Int)

    public var isAuthenticationFailure: Bool {
        if case .authenticationFailed = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .authenticationFailed(let detail): "Personio refused the credentials: \(detail)"
        case .forbidden(let detail): "Personio refused access: \(detail)"
        case .notFound(let detail): "Personio has no such resource: \(detail)"
        case .rateLimited(let detail): "Personio's rate limit held after retries: \(detail)"
        case .unavailable(let detail): "Personio was unavailable after retries: \(detail)"
        case .malformedResponse(let detail): "Personio sent an unreadable response: \(detail)"
        case .unexpectedStatus(let status, let detail): "Personio answered HTTP \(status): \(detail)"
        case .transport(let detail): "could not reach Personio: \(detail)"
        case .invalidSettings(let detail): "the integration's settings are invalid: \(detail)"
        case .writeLimited(let seconds): "Personio's write limit is reached; retry in \(seconds) s"
        case .rejected(let fields): "Personio refused the write: \(fields.map(\.description).joined(separator: "; "))"
        }
    }
}
