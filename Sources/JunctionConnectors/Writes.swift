import Foundation
import JunctionModel

/// A unified create request turned into what a connector sends: checked against the job and the
/// integration's settings before anything leaves Junction.
public struct WritePlan: Sendable {
    public struct File: Sendable {
        public var attachment: ApplicationCreate.Attachment
        /// The tool's kind of document (Personio: `cv`, `cover-letter` or `other`).
        public var category: String

        public init(attachment: ApplicationCreate.Attachment, category: String) {
            self.attachment = attachment
            self.category = category
        }
    }

    /// What the connector sends, in the tool's own terms.
    public var body: [String: JSONValue]
    /// The attachments to upload, in the order their bytes are handed back.
    public var files: [File]
    /// What the caller sent that the tool cannot store, said in the response's `warnings`.
    public var warnings: [String]
    public var email: String
    public var jobRemoteID: String

    public init(body: [String: JSONValue], files: [File], warnings: [String], email: String, jobRemoteID: String) {
        self.body = body
        self.files = files
        self.warnings = warnings
        self.email = email
        self.jobRemoteID = jobRemoteID
    }
}

/// What a create left in the tool, as unified records read back from it.
public struct CreatedRecords: Sendable {
    public var application: Application
    public var candidate: Candidate

    public init(application: Application, candidate: Candidate) {
        self.application = application
        self.candidate = candidate
    }
}

/// The write actions of a tool. The flow around them (finding the job, refusing duplicates,
/// downloading attachments, saving what was read back) is the server's and the same for every tool.
public protocol ApplicationWriting: Sendable {
    /// `request` for `job` in the tool's terms, refusing with `ApplicationCreate.Problems` (each
    /// naming its field) what the tool would refuse or silently change. Sends nothing.
    func planApplication(_ request: ApplicationCreate, job: Job, integration: Integration) throws -> WritePlan

    /// A job the store does not hold, read from the tool: a caller who does not sync jobs names
    /// it `remote:<id>`. Nil when the tool has no such job. Failures are `APIError`s.
    func job(remoteID: String, integration: Integration, credentials: Data) async throws -> Job?

    /// Sends `plan`, with each file's bytes in `files` (in the plan's order). Once this returns,
    /// the tool holds the application. Failures are `APIError`s.
    func submitApplication(_ plan: WritePlan, files: [Data], integration: Integration, credentials: Data)
        async throws

    /// The records a submitted plan created, read back from the tool (whose create answer may
    /// carry no ids). Failures are `APIError`s.
    func readBackApplication(_ plan: WritePlan, integration: Integration, credentials: Data) async throws
        -> CreatedRecords
}

/// The unified API's write actions beyond creating applications and candidates. A tool that
/// does not offer one says why in its descriptor (`ToolDescriptor.unavailableActions`).
public enum WriteAction: String, Sendable, CaseIterable {
    case moveApplicationStage = "move_application_stage"
    case rejectApplication = "reject_application"
    case addApplicationNote = "add_application_note"
    case addApplicationResultLink = "add_application_result_link"
    case addApplicationAttachment = "add_application_attachment"
    case addCandidateAttachment = "add_candidate_attachment"
    case addCandidateResultLink = "add_candidate_result_link"
    case addCandidateTag = "add_candidate_tag"
    case removeCandidateTag = "remove_candidate_tag"
    case importTrackedApplication = "import_tracked_application"
}
