import JunctionConnectors

extension PersonioConnector: ATSConnector {
    public func requestCount() async -> Int { await client.requestCount }

    public func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? PersonioError)?.isAuthenticationFailure == true
    }

    public func isPermissionFailure(_ error: any Error) -> Bool {
        if case .forbidden? = error as? PersonioError { return true }
        return false
    }
}
