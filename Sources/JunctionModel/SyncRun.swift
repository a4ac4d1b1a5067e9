import Foundation

/// One FULL or DELTA pass of an integration's remote data into the store.
public struct SyncRun: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case full = "FULL"
        case delta = "DELTA"
    }
    public enum Status: String, Sendable, Codable {
        case running = "RUNNING"
        case succeeded = "SUCCEEDED"
        case failed = "FAILED"
        /// Stopped between pages because the integration was disabled.
        case cancelled = "CANCELLED"
    }

    /// Counts per model, and the requests the run made.
    public struct Stats: Codable, Sendable, Equatable {
        public var added: [String: Int] = [:]
        public var updated: [String: Int] = [:]
        public var unchanged: [String: Int] = [:]
        public var deleted: [String: Int] = [:]
        public var requests = 0
        /// What the run could not read or understand and went on without (a career feed that
        /// was unavailable, say): the run still succeeded, but not everything is as fresh.
        public var warnings: [String] = []
        /// Models the credentials were not allowed to read in this run (`jobs`, `applications`,
        /// …): skipped, nothing of them deleted; the integration details mark them unavailable.
        public var unavailable: [String] = []
        /// The jobs' inputs at the run that last read every job (this one, or one before it that
        /// a DELTA carried on from): nil when no complete read of jobs can vouch for them.
        public var jobInputs: JobInputs?

        public init() {}

        /// A connector's fingerprint of what jobs are built from, and when jobs were last read
        /// in full with it.
        public struct JobInputs: Codable, Sendable, Equatable {
            public var fingerprint: String
            public var readAt: Date

            public init(fingerprint: String, readAt: Date) {
                self.fingerprint = fingerprint
                self.readAt = readAt
            }

            enum CodingKeys: String, CodingKey {
                case fingerprint
                case readAt = "read_at"
            }
        }

        enum CodingKeys: String, CodingKey {
            case added, updated, unchanged, deleted, requests, warnings, unavailable
            case jobInputs = "job_inputs"
        }

        // Runs recorded before `warnings` existed have none.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            added = try container.decodeIfPresent([String: Int].self, forKey: .added) ?? [:]
            updated = try container.decodeIfPresent([String: Int].self, forKey: .updated) ?? [:]
            unchanged = try container.decodeIfPresent([String: Int].self, forKey: .unchanged) ?? [:]
            deleted = try container.decodeIfPresent([String: Int].self, forKey: .deleted) ?? [:]
            requests = try container.decodeIfPresent(Int.self, forKey: .requests) ?? 0
            warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
            unavailable = try container.decodeIfPresent([String].self, forKey: .unavailable) ?? []
            jobInputs = try container.decodeIfPresent(JobInputs.self, forKey: .jobInputs)
        }
    }

    public var id: String
    public var integrationID: String
    public var kind: Kind
    public var status: Status
    public var startedAt: Date
    public var finishedAt: Date?
    public var stats: Stats
    public var error: String?

    public init(
        id: String, integrationID: String, kind: Kind, status: Status, startedAt: Date, finishedAt: Date?, stats: Stats,
        error: String?
    ) {
        self.id = id
        self.integrationID = integrationID
        self.kind = kind
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.stats = stats
        self.error = error
    }
}
