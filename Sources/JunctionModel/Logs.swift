import Foundation

public struct ActivityEntry: Sendable, Equatable {
    public var id: String
    public var integrationID: String
    /// `write` or `passthrough`.
    public var kind: String
    public var method: String
    public var path: String
    public var status: Int
    public var durationMilliseconds: Int
    public var error: String?
    public var createdAt: Date

    public init(
        integrationID: String, kind: String, method: String, path: String, status: Int, durationMilliseconds: Int,
        error: String?, createdAt: Date = Date()
    ) {
        self.id = Identifier.random()
        self.integrationID = integrationID
        self.kind = kind
        self.method = method
        self.path = path
        self.status = status
        self.durationMilliseconds = durationMilliseconds
        self.error = error
        self.createdAt = (createdAt).atMillisecondPrecision
    }
}

/// One refused or failed API request, as `log_url` shows it.
public struct RequestLogEntry: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var integrationID: String?
    public var method: String
    public var path: String
    public var status: Int
    public var errorCode: String?
    public var errorMessage: String
    public var createdAt: Date

    public init(
        id: String, workspaceID: String, integrationID: String?, method: String, path: String, status: Int,
        errorCode: String?, errorMessage: String, createdAt: Date = Date()
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.integrationID = integrationID
        self.method = method
        self.path = path
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.createdAt = (createdAt).atMillisecondPrecision
    }
}
