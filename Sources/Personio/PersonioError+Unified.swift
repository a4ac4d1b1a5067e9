import JunctionModel

extension PersonioError {
    /// The failure in the unified API's error vocabulary, as an API caller sees it.
    public var unified: APIError {
        switch self {
        case .rejected(let fields):
            let reasons = fields.flatMap(\.reasons)
            let detail = fields.map(\.description).joined(separator: "; ")
            if reasons.contains("errors.applicant-already-exists") {
                return APIError(
                    .applicationAlreadyExists, "Personio: this email has already applied to this job (\(detail)).")
            }
            if reasons.contains("errors.job-position.not-published") {
                return APIError(
                    .jobClosed, "Personio: the job is not published, so it takes no applications (\(detail)).")
            }
            return APIError(.remoteInputInvalid, "Personio refused the application: \(detail)")
        case .writeLimited(let seconds):
            var limited = APIError(
                .remoteRateLimitExceeded,
                "Personio allows 20 writes per minute per company and they are used up; retry in \(seconds) s.")
            limited.retryAfterSeconds = seconds
            return limited
        case .rateLimited(let detail):
            var limited = APIError(.remoteRateLimitExceeded, "Personio's rate limit: \(detail); retry in 60 s.")
            limited.retryAfterSeconds = 60
            return limited
        case .authenticationFailed(let detail):
            return APIError(
                .integrationAuthenticationInvalid, "Personio refused the integration's credentials: \(detail)")
        case .forbidden(let detail):
            return APIError(.permissionMissing, "Personio refused access: \(detail)")
        case .unavailable(let detail), .transport(let detail):
            return APIError(.remoteServiceUnavailable, "Personio is unavailable: \(detail)")
        case .notFound(let detail), .malformedResponse(let detail), .invalidSettings(let detail):
            return APIError(.remoteUnknownHTTPError, "Personio: \(detail)")
        case .unexpectedStatus(let status, let detail):
            return APIError(.remoteUnknownHTTPError, "Personio answered HTTP \(status): \(detail)")
        }
    }
}
