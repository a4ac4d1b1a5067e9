import Foundation

/// A field path found in an integration's synced remote payloads (`remote_data`), with what
/// the explorer shows about it.
public struct IntegrationField: Sendable, Equatable {
    public var id: String
    /// `ats_jobs`, `ats_candidates` or `ats_applications`.
    public var model: String
    /// A path into `remote_data`: `job.category.name`, `application.channel.name`; `[]` marks a
    /// list (`job.hiring_team[].role.name`).
    public var key: String
    /// `DEFAULT` for Personio's fixed fields, `CUSTOM` for account-defined ones.
    public var type: String
    public var label: String?
    /// JSON types seen: `string`, `number`, `boolean`, `array`, `object`.
    public var valueTypes: [String]
    /// Up to five distinct values seen, as JSON text, each cut to 80 characters.
    public var samples: [String]
    /// Records of the model in which the path had a non-null value, of `recordCount` scanned.
    public var setCount: Int
    public var recordCount: Int
    public var passthroughEnabled: Bool

    public init(
        id: String, model: String, key: String, type: String, label: String? = nil, valueTypes: [String],
        samples: [String], setCount: Int, recordCount: Int, passthroughEnabled: Bool
    ) {
        self.id = id
        self.model = model
        self.key = key
        self.type = type
        self.label = label
        self.valueTypes = valueTypes
        self.samples = samples
        self.setCount = setCount
        self.recordCount = recordCount
        self.passthroughEnabled = passthroughEnabled
    }
}

/// A workspace-defined key that records of one model carry in `custom_fields`.
public struct CustomField: Sendable, Equatable {
    public var id: String
    public var workspaceID: String
    public var model: String
    public var key: String
    public var label: String?
    public var description: String?

    public init(id: String, workspaceID: String, model: String, key: String, label: String?, description: String?) {
        self.id = id
        self.workspaceID = workspaceID
        self.model = model
        self.key = key
        self.label = label
        self.description = description
    }
}
