/// The closed list of error codes the unified API may answer with.
///
/// Kombo's SDK validates `error.code` against a closed enum per endpoint family
/// (`docs/unified-api.md`, "Envelopes and errors"): general and connect endpoints accept only the
/// `PLATFORM.*` codes, ATS endpoints accept those plus `INTEGRATION.*`, `REMOTE.*` and `ATS.*`.
/// Anything else makes the client fail validation, so no other code may ever reach the wire.
public enum ErrorCode: String, CaseIterable, Sendable, Codable {
    // MARK: - Platform (every endpoint family)
    case rateLimitExceeded = "PLATFORM.RATE_LIMIT_EXCEEDED"
    case concurrencyLimitExceeded = "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED"
    case integrationNotFound = "PLATFORM.INTEGRATION_NOT_FOUND"
    case inputInvalid = "PLATFORM.INPUT_INVALID"
    case unknownError = "PLATFORM.UNKNOWN_ERROR"
    case ipNotWhitelisted = "PLATFORM.IP_NOT_WHITELISTED"
    case authenticationInvalid = "PLATFORM.AUTHENTICATION_INVALID"
    case taskTimedOut = "PLATFORM.TASK_TIMED_OUT"

    // MARK: - Integration (ATS endpoints only)
    case permissionMissing = "INTEGRATION.PERMISSION_MISSING"
    case integrationAuthenticationInvalid = "INTEGRATION.AUTHENTICATION_INVALID"
    case qaFailed = "INTEGRATION.QA_FAILED"
    case setupSyncPending = "INTEGRATION.SETUP_SYNC_PENDING"
    case setupIncomplete = "INTEGRATION.SETUP_INCOMPLETE"
    case integrationInactive = "INTEGRATION.INACTIVE"
    case modelNotAvailable = "INTEGRATION.MODEL_NOT_AVAILABLE"
    case modelDisabled = "INTEGRATION.MODEL_DISABLED"
    case actionNotAvailable = "INTEGRATION.ACTION_NOT_AVAILABLE"
    case actionDisabled = "INTEGRATION.ACTION_DISABLED"

    // MARK: - Remote (ATS endpoints only)
    case remoteServiceUnavailable = "REMOTE.SERVICE_UNAVAILABLE"
    case remoteRateLimitExceeded = "REMOTE.RATE_LIMIT_EXCEEDED"
    case remoteInputInvalid = "REMOTE.INPUT_INVALID"
    case remoteUnknownHTTPError = "REMOTE.UNKNOWN_HTTP_ERROR"

    // MARK: - ATS (ATS endpoints only)
    case jobClosed = "ATS.JOB_CLOSED"
    case applicationAlreadyExists = "ATS.APPLICATION_ALREADY_EXISTS"

    /// Which endpoint family an error is answered from decides which codes are legal.
    public enum Family: Sendable {
        /// `/check-api-key`, `/integrations/*`, `/connect/*`, `/force-sync`, `/passthrough/*`, and
        /// anything outside a documented family (unknown routes).
        case general
        /// `/ats/*`, and `/assessment/*`, whose errors the SDK parses with its ATS error class.
        case ats
        /// `/hris/*` (and `/lms/*`, which SDK 1.4.0 has no class for): platform, integration and
        /// remote codes, no ATS ones.
        case hris

        /// The family of a request path.
        public static func of(path: String) -> Family {
            if path.hasPrefix("/v1/ats/") || path.hasPrefix("/v1/assessment/") { return .ats }
            if path.hasPrefix("/v1/hris/") || path.hasPrefix("/v1/lms/") { return .hris }
            return .general
        }
    }

    /// Whether the SDK's error class for `family` accepts this code.
    public func isAllowed(in family: Family) -> Bool {
        switch family {
        case .ats: true
        case .hris: !rawValue.hasPrefix("ATS.")
        case .general: rawValue.hasPrefix("PLATFORM.")
        }
    }

    /// The code to send from `family`: this code when the family allows it, otherwise the
    /// generic platform code closest in meaning, so a misplaced code never breaks a client.
    public func restricted(to family: Family) -> ErrorCode {
        if isAllowed(in: family) { return self }
        switch self {
        case .integrationAuthenticationInvalid, .permissionMissing: return .authenticationInvalid
        case .remoteRateLimitExceeded: return .rateLimitExceeded
        case .remoteInputInvalid, .jobClosed, .applicationAlreadyExists: return .inputInvalid
        default: return .unknownError
        }
    }

    /// The HTTP status Kombo's documentation pairs with the code. Clients branch on the code.
    public var httpStatus: Int {
        switch self {
        case .authenticationInvalid, .integrationAuthenticationInvalid: 401
        case .permissionMissing, .ipNotWhitelisted: 403
        case .integrationNotFound: 404
        case .inputInvalid, .remoteInputInvalid, .jobClosed, .applicationAlreadyExists: 400
        case .rateLimitExceeded, .concurrencyLimitExceeded, .remoteRateLimitExceeded: 429
        case .setupSyncPending, .setupIncomplete, .qaFailed: 409
        case .integrationInactive, .modelNotAvailable, .modelDisabled, .actionNotAvailable,
            .actionDisabled:
            403
        case .remoteServiceUnavailable: 503
        case .remoteUnknownHTTPError: 502
        case .taskTimedOut: 504
        case .unknownError: 500
        }
    }

    /// A short human title for the envelope's `title` key.
    public var title: String {
        switch self {
        case .rateLimitExceeded: "Rate limit exceeded"
        case .concurrencyLimitExceeded: "Concurrency limit exceeded"
        case .integrationNotFound: "Integration not found"
        case .inputInvalid: "Input invalid"
        case .unknownError: "Unknown error"
        case .ipNotWhitelisted: "IP not whitelisted"
        case .authenticationInvalid: "Authentication invalid"
        case .taskTimedOut: "Task timed out"
        case .permissionMissing: "Permission missing"
        case .integrationAuthenticationInvalid: "Integration authentication invalid"
        case .qaFailed: "Quality assurance failed"
        case .setupSyncPending: "Setup sync pending"
        case .setupIncomplete: "Setup incomplete"
        case .integrationInactive: "Integration inactive"
        case .modelNotAvailable: "Model not available"
        case .modelDisabled: "Model disabled"
        case .actionNotAvailable: "Action not available"
        case .actionDisabled: "Action disabled"
        case .remoteServiceUnavailable: "Remote service unavailable"
        case .remoteRateLimitExceeded: "Remote rate limit exceeded"
        case .remoteInputInvalid: "Remote input invalid"
        case .remoteUnknownHTTPError: "Remote error"
        case .jobClosed: "Job closed"
        case .applicationAlreadyExists: "Application already exists"
        }
    }
}
