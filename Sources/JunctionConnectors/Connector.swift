import Foundation
import JunctionModel

/// One tool Junction connects to, as the rest of Junction sees it: what it is and covers, and the
/// per-run reader a sync goes through. Implemented once per tool in the tool's own target; a
/// `ConnectorRegistry` built in the composition root maps tools to them, so the server, the sync
/// engine and the store never name a tool.
public protocol Connector: Sendable {
    /// What the tool is and what this build reads and writes of it.
    var descriptor: ToolDescriptor { get }

    /// The reader one sync run of `integration` goes through, from its decrypted `credentials`
    /// (the bytes the connect flow stored; their format is the connector's own). `pageSize` is
    /// the number of records per listing request.
    func syncReader(for integration: Integration, credentials: Data, pageSize: Int) async throws -> any ATSConnector

    /// The read models and write actions `integration` can use: the descriptor's, with what its
    /// credentials were found to lack (at connect time) marked unavailable.
    func coverage(of integration: Integration) -> ToolDescriptor.Coverage

    /// Drops what is cached for an integration (clients, tokens), as when it is deleted or its
    /// credentials are replaced.
    func forget(integrationID: String) async

    /// Refuses, with an `APIError` naming the field, a passthrough request its API never serves
    /// (beyond the checks every passthrough gets: a path below the base, no reserved headers).
    func checkPassthrough(_ request: PassthroughRequest) throws

    /// Sends `request` to the tool with the integration's decrypted `credentials`, inside the
    /// account's request budget. Failures are `APIError`s in the unified vocabulary.
    func passthrough(_ request: PassthroughRequest, integration: Integration, credentials: Data) async throws
        -> PassthroughResponse

    /// The tool's write actions, or nil when it has none.
    var writer: (any ApplicationWriting)? { get }

    /// The tool's part of the hosted connect page, or nil when its integrations are made
    /// another way.
    var connectFlow: (any ConnectFlow)? { get }

    /// Where this server runs a sandbox of the tool (Kombo's `sandbox` tool: the whole connect
    /// flow without an account), or nil when it runs none.
    var sandboxURL: String? { get }

    /// The connect flow against the sandbox at `url`: its credentials filled in, and reaching
    /// `url` instead of the tool's own hosts. Nil when the tool has no sandbox flow.
    func sandboxConnectFlow(url: String) -> (any ConnectFlow)?

    /// The value of the setting at `path` (one of `descriptor.settings`) for `integration`.
    func readSetting(_ path: String, integration: Integration, credentials: Data) throws -> JSONValue

    /// Checks `value` for the setting at `path` and says what to store; refuses with an
    /// `APIError` naming what is wrong.
    func changeSetting(_ path: String, to value: JSONValue, integration: Integration, credentials: Data) throws
        -> SettingChange
}

/// What changing a tool setting stores.
public struct SettingChange: Sendable {
    /// The integration's (non-secret) settings to store, when they change.
    public var settings: [String: JSONValue]?
    /// The integration's new credentials, when the setting lives in them.
    public var credentials: Data?
    /// The setting as the answer shows it.
    public var value: JSONValue

    public init(settings: [String: JSONValue]? = nil, credentials: Data? = nil, value: JSONValue) {
        self.settings = settings
        self.credentials = credentials
        self.value = value
    }
}

/// A setting of a tool's integrations beyond the unified API: what the tool's API cannot read
/// (Personio's applicant attributes) or where Junction reads (its career sites). Served at
/// `GET`/`PUT /v1/integrations/{id}/{path}` and on the dashboard; a change queues a sync.
public struct ToolSetting: Sendable, Equatable {
    /// The path segment, like `applicant-attributes`.
    public var path: String
    public var title: String
    /// What an operator needs to know to fill it in (the dashboard shows it).
    public var help: String

    public init(path: String, title: String, help: String) {
        self.path = path
        self.title = title
        self.help = help
    }
}

extension Connector {
    public func coverage(of integration: Integration) -> ToolDescriptor.Coverage { descriptor.coverage }
    public func forget(integrationID: String) async {}
    public func checkPassthrough(_ request: PassthroughRequest) throws {}
    public func passthrough(_ request: PassthroughRequest, integration: Integration, credentials: Data) async throws
        -> PassthroughResponse
    {
        throw APIError.invalidInput("\(descriptor.label) has no passthrough.")
    }
    public var writer: (any ApplicationWriting)? { nil }
    public var connectFlow: (any ConnectFlow)? { nil }
    public var sandboxURL: String? { nil }
    public func sandboxConnectFlow(url: String) -> (any ConnectFlow)? { nil }
    public func readSetting(_ path: String, integration: Integration, credentials: Data) throws -> JSONValue {
        throw APIError.invalidInput("\(descriptor.label) integrations have no setting '\(path)'.")
    }
    public func changeSetting(_ path: String, to value: JSONValue, integration: Integration, credentials: Data) throws
        -> SettingChange
    {
        throw APIError.invalidInput("\(descriptor.label) integrations have no setting '\(path)'.")
    }
}

/// What `GET /v1/tools/{category}` and an integration's details say about a tool.
public struct ToolDescriptor: Sendable {
    public typealias Model = IntegrationDetails.Coverage

    public struct Coverage: Sendable, Equatable {
        public var readModels: [Model]
        public var writeActions: [Model]

        public init(readModels: [Model], writeActions: [Model]) {
            self.readModels = readModels
            self.writeActions = writeActions
        }
    }

    public struct Feature: Sendable, Equatable {
        public var id: String
        public var label: String
        public var coverageStatus: String

        public init(id: String, label: String, coverageStatus: String = "SUPPORTED") {
            self.id = id
            self.label = label
            self.coverageStatus = coverageStatus
        }
    }

    public var tool: Tool
    /// `ats`, `hris`, `assessment` or `lms`: the category the tool is listed under.
    public var category: String
    public var label: String
    public var logoURL: String
    public var iconURL: String
    public var coverage: Coverage
    public var features: [Feature]
    /// The tool's own APIs `POST /v1/passthrough/{tool}/{api}` reaches, by the names Kombo uses.
    public var passthroughAPIs: [String]
    /// Why the tool does not offer each write action it does not (the error a caller gets).
    public var unavailableActions: [WriteAction: String]
    /// Settings of its integrations beyond the unified API.
    public var settings: [ToolSetting]

    public init(
        tool: Tool, category: String, label: String, logoURL: String, iconURL: String,
        coverage: Coverage, features: [Feature] = [], passthroughAPIs: [String] = [],
        unavailableActions: [WriteAction: String] = [:], settings: [ToolSetting] = []
    ) {
        self.settings = settings
        self.passthroughAPIs = passthroughAPIs
        self.unavailableActions = unavailableActions
        self.tool = tool
        self.category = category
        self.label = label
        self.logoURL = logoURL
        self.iconURL = iconURL
        self.coverage = coverage
        self.features = features
    }

    /// A model or action this build serves, with every field listed supported.
    public static func supported(_ id: String, _ label: String, fields: [String], readModel: Bool = true) -> Model {
        Model(
            id: id, label: label, coverageStatus: "SUPPORTED",
            fields: fields.map { .init(id: $0, supported: true, forReadModel: readModel) })
    }

    /// A model or action the tool cannot provide.
    public static func unsupported(_ id: String, _ label: String) -> Model {
        Model(id: id, label: label, coverageStatus: "UNSUPPORTED", fields: [])
    }
}

/// The tools a process serves, by tool. Built once in the composition root: adding a connector
/// is one entry here.
public struct ConnectorRegistry: Sendable {
    private let connectors: [Tool: any Connector]
    /// In the order given, for listings.
    public let tools: [Tool]

    public init(_ connectors: [any Connector]) {
        var byTool: [Tool: any Connector] = [:]
        var order: [Tool] = []
        for connector in connectors {
            let tool = connector.descriptor.tool
            precondition(byTool[tool] == nil, "two connectors for \(tool)")
            byTool[tool] = connector
            order.append(tool)
        }
        self.connectors = byTool
        self.tools = order
    }

    public subscript(tool: Tool) -> (any Connector)? { connectors[tool] }

    /// The descriptors of the tools listed under `category`, in registry order.
    public func descriptors(category: String) -> [ToolDescriptor] {
        tools.compactMap { connectors[$0]?.descriptor }.filter { $0.category == category }
    }

    /// The connector of `integration`'s tool; an error when this process has none (an integration
    /// made by a build with another connector).
    public func connector(for integration: Integration) throws -> any Connector {
        guard let connector = connectors[integration.id.tool] else {
            throw ConnectorRegistryError.unknownTool(integration.id.tool)
        }
        return connector
    }
}

public enum ConnectorRegistryError: Error, CustomStringConvertible {
    case unknownTool(Tool)

    public var description: String {
        switch self {
        case .unknownTool(let tool): "this Junction build has no connector for the tool '\(tool)'"
        }
    }
}
