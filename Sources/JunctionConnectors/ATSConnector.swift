import Foundation
import JunctionModel

/// What the sync engine reads from a remote ATS: one value per integration and run, built by the
/// tool's `Connector` from the integration's credentials.
public protocol ATSConnector: Sendable {
    /// Every job upstream, as unified records, page by page.
    /// With `updatedAfter`, only those updated upstream after it (a DELTA).
    func forEachJobPage(updatedAfter: Date?, _ body: @Sendable ([Job]) async throws -> Void) async throws
    /// A digest of everything jobs are built from besides their own remote records (pipelines,
    /// people's names, settings, what a career site publishes), or nil when it cannot be told
    /// cheaply. The engine skips re-reading jobs in a DELTA when it equals the last read's and
    /// `jobsUpdated(after:)` says no job moved. Default: nil (every run reads every job).
    func jobInputsFingerprint() async -> String?
    /// Whether any job was updated upstream after `date` (a DELTA's window).
    func jobsUpdated(after date: Date) async throws -> Bool
    /// Every application stage upstream (a small, complete list).
    func applicationStages() async throws -> [ApplicationStage]
    /// Every candidate upstream, page by page.
    func forEachCandidatePage(updatedAfter: Date?, _ body: @Sendable ([Candidate]) async throws -> Void) async throws
    /// The users (hiring-team members), or nil when the credentials cannot read them; then the
    /// stored users are left as they are.
    func users() async throws -> [User]?
    /// Every application upstream, page by page, with the stages those applications are in
    /// (which may include stages `applicationStages()` no longer lists).
    func forEachApplicationPage(
        updatedAfter: Date?, _ body: @Sendable ([Application], [ApplicationStage]) async throws -> Void
    ) async throws
    /// `applications` (a page just read) with each declined one's `rejected_at` dated from the
    /// remote's stage history where the listing cannot tell it, given the `stored` versions of
    /// those applications by id (a date already read from the history is kept while the stage
    /// stays). Never fails the run: what cannot be dated keeps the listing's value.
    func datingRejections(_ applications: [Application], stored: [String: Application]) async -> [Application]
    /// Of the `stored` applications of `candidates` (just re-read by a DELTA), those whose remote
    /// record embeds a copy of its candidate that `candidates` makes stale, as the remote's
    /// listing would now show them (the engine dates their rejections as for a listing).
    /// A DELTA saves them in the same run: a candidate's edit moves only the candidate upstream,
    /// so without this the next FULL, reading every application with the new copy, would
    /// announce the one edit a second time. Default: none (the remote embeds no copies).
    func applicationsEmbedding(_ candidates: [Candidate], stored: [Application]) -> [Application]
    /// Every screening question (a small, complete list).
    func screeningQuestions() async throws -> [ScreeningQuestion]
    /// Every tag of the account (a small, complete list).
    func tags() async throws -> [Tag]
    /// Requests sent to the account so far (its client may outlive one run: the engine counts a
    /// run's requests as the difference).
    func requestCount() async -> Int
    /// What the run so far went on without (an enrichment source that could not be read): the
    /// sync run's warnings.
    func warnings() async -> [String]
    /// Whether the jobs read so far lack their publication (texts, status, visibility, …)
    /// because its source could not be read; then each stored job keeps its last known one.
    func keepsStoredPublication() async -> Bool
    /// Of the `remoteIDs` of `model` (`jobs`, `candidates`, `applications`) a complete listing
    /// lacked, those the remote still has, each read by its id: a listing that skipped a record
    /// must not delete it. Empty for a model the remote cannot read one by one.
    func stillPresent(_ model: String, remoteIDs: [String]) async throws -> Set<String>
    /// Whether `error` means the remote refused the credentials themselves (not a missing
    /// scope, an outage or a limit): the one failure that turns an integration INVALID.
    func isAuthenticationFailure(_ error: any Error) -> Bool
    /// Whether `error` means the credentials may not read what was asked (a missing scope or
    /// right): that model is skipped and reported, the integration stays ACTIVE.
    func isPermissionFailure(_ error: any Error) -> Bool
}

extension ATSConnector {
    public func warnings() async -> [String] { [] }
    public func keepsStoredPublication() async -> Bool { false }
    public func jobInputsFingerprint() async -> String? { nil }
    public func jobsUpdated(after date: Date) async throws -> Bool { true }
    public func isPermissionFailure(_ error: any Error) -> Bool { false }
    public func applicationsEmbedding(_ candidates: [Candidate], stored: [Application]) -> [Application] { [] }
    public func datingRejections(_ applications: [Application], stored: [String: Application]) async
        -> [Application]
    { applications }
}
