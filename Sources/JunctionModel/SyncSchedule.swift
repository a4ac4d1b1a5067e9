import Foundation

/// An integration's place in the sync queue: when its next run is due, of which kind and why,
/// and when its data was last confirmed current.
public struct SyncSchedule: Sendable, Equatable {
    /// Why a run is due.
    public enum Reason: String, Sendable, Codable, CaseIterable {
        /// Never scheduled before (a new integration, or every integration once after upgrading).
        case new
        /// `POST /force-sync` asked for it.
        case forced
        /// The FULL interval has passed.
        case full
        /// The DELTA interval has passed.
        case delta
        /// The last runs failed; the next waits out a growing pause.
        case backoff
    }

    public var integrationID: String
    public var dueAt: Date
    public var kind: SyncRun.Kind
    public var reason: Reason
    /// Failed runs in a row.
    public var failures: Int
    /// The instance running it now, and until when its lease holds (renewed while it runs).
    public var leaseOwner: String?
    public var leaseUntil: Date?
    /// The start of the last successful run: the moment its data was last confirmed current.
    public var confirmedAt: Date?

    public init(
        integrationID: String, dueAt: Date, kind: SyncRun.Kind, reason: Reason, failures: Int = 0,
        leaseOwner: String? = nil, leaseUntil: Date? = nil, confirmedAt: Date? = nil
    ) {
        self.integrationID = integrationID
        self.dueAt = dueAt
        self.kind = kind
        self.reason = reason
        self.failures = failures
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.confirmedAt = confirmedAt
    }
}
