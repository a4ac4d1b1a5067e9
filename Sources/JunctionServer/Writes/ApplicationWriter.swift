import Foundation
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging

/// Creates an application in the integration's tool for a unified create request, then makes it
/// readable at once: validation by the tool's connector (nothing sent on any problem), a claim
/// against duplicates, attachment downloads, the create, and the new records read back by the
/// connector and saved to the store with the ids the next sync derives too.
struct ApplicationWriter: Sendable {
    let store: Store
    let connectors: ConnectorRegistry
    let fetcher: any AttachmentFetcher
    let logger: Logger

    struct Created: Sendable {
        var application: Application
        var candidate: Candidate
        var warnings: [String]
    }

    /// `credentials` are opened only when the tool is called: a request refused before that
    /// never decrypts them.
    func create(
        _ request: ApplicationCreate, jobReference: String, integration: Integration,
        credentials: @escaping @Sendable () async throws -> Data
    ) async throws -> Created {
        let integrationID = integration.id.description
        let (writer, label) = try writer(for: integration)
        let (job, planned, claim) = try await claim(
            request, jobReference: jobReference, integration: integration, writer: writer, label: label,
            credentials: credentials)
        var plan = planned
        var created = false
        do {
            let downloads = try await downloadAttachments(plan.files, tool: label)
            // A download's media type stands in for a `content_type` the caller left out.
            for (index, download) in downloads.enumerated() where plan.files[index].attachment.contentType == nil {
                plan.files[index].attachment.contentType = download.contentType
            }
            let files = downloads.map(\.data)
            let credentials = try await credentials()
            try await writer.submitApplication(plan, files: files, integration: integration, credentials: credentials)
            created = true
            logger.info(
                "application created", metadata: ["integration": "\(integrationID)", "job": "\(job.remoteID)"])
            // The tool holds the application now; the claim stays, a fast refusal of a repeat.
            let records = try await writer.readBackApplication(
                plan, integration: integration, credentials: credentials)
            let candidate = try await store.records.saveCreated(
                application: records.application, candidate: records.candidate, integrationID: integrationID)
            // The responses are written from the stored documents, as a read would show them.
            let ignored = request.unknownFields.map {
                "\($0) is not a field Junction knows for this endpoint; it was ignored."
            }
            return Created(application: records.application, candidate: candidate, warnings: ignored + plan.warnings)
        } catch {
            // Nothing was created: a corrected retry may go ahead at once. Once the tool holds
            // the application, the claim stays whatever failed after.
            if !created { try? await store.writeLedger.releaseClaim(claim, integrationID: integrationID) }
            throw error
        }
    }

    /// The job, the request's plan against it, and the claim taken for the application. The job's
    /// form kept from an earlier write is planned with without reading the store; the claim's
    /// statement checks that the stored job is still at that version, so a job that changed (or
    /// was deleted) since is read again and planned again. A plan's problems found with a kept
    /// form count only once the job, read again, shows them too.
    private func claim(
        _ request: ApplicationCreate, jobReference: String, integration: Integration,
        writer: any ApplicationWriting, label: String, credentials: @escaping @Sendable () async throws -> Data
    ) async throws -> (Job, WritePlan, claim: String) {
        let integrationID = integration.id.description
        let email = request.candidate.emailAddress
        var target = try await findJob(jobReference, integration: integration, credentials: credentials, kept: true)
        var reads = 0
        while true {
            let job = target.job
            let plan: WritePlan
            do {
                plan = try writer.planApplication(request, job: job, integration: integration)
            } catch let problems as ApplicationCreate.Problems {
                guard target.read else {
                    target = try await findJob(jobReference, integration: integration, credentials: credentials)
                    continue
                }
                throw Self.invalid(problems.list, tool: label)
            }
            // One writer per (email, job) across every instance: a concurrent duplicate is refused.
            let claim = WriteLedgerRepository.applicationClaim(email: email, jobRemoteID: job.remoteID)
            switch try await store.writeLedger.claimApplication(
                claim, jobID: job.id, email: email, integrationID: integrationID, jobVersion: target.version)
            {
            case .taken:
                return (job, plan, claim)
            case .jobChanged:
                reads += 1
                guard reads < 3 else {
                    throw APIError(
                        .concurrencyLimitExceeded,
                        "Job \(job.id) changed three times while this application was being checked against it; retry.")
                }
                target = try await findJob(jobReference, integration: integration, credentials: credentials)
            case .alreadyApplied:
                throw APIError(
                    .applicationAlreadyExists,
                    "\(email) has already applied to job \(job.id) (\(job.name ?? job.remoteID)).")
            case .held:
                // The claim stays once the tool holds the application (a later step may have
                // failed), so a retry is refused instead of creating a second one; the next sync
                // brings it.
                throw APIError(
                    .applicationAlreadyExists,
                    "An application of \(email) to job \(job.id) is being created right now, or was sent to \(label) already and appears here after the next sync."
                )
            }
        }
    }

    /// The label of the integration's tool, as messages name it.
    func label(of integration: Integration) -> String {
        connectors[integration.id.tool]?.descriptor.label ?? integration.id.tool.rawValue
    }

    /// The integration's tool's write actions and its label.
    func writer(for integration: Integration) throws -> (any ApplicationWriting, String) {
        let connector = try? connectors.connector(for: integration)
        guard let connector, let writer = connector.writer else {
            throw APIError(
                .actionNotAvailable, "\(connector?.descriptor.label ?? integration.id.tool.rawValue) takes no writes.")
        }
        return (writer, connector.descriptor.label)
    }

    /// What the job-level checks find in a request whose shape was already faulty.
    func planProblems(_ request: ApplicationCreate, jobReference: String, integration: Integration) async
        -> [ApplicationCreate.Problem]
    {
        guard let (writer, _) = try? writer(for: integration),
            let job = try? await findJob(jobReference, integration: integration, credentials: nil).job
        else { return [] }
        do {
            _ = try writer.planApplication(request, job: job, integration: integration)
            return []
        } catch let problems as ApplicationCreate.Problems {
            return problems.list
        } catch {
            return []
        }
    }

    // MARK: - Steps

    /// A job to write to: its form, the version of its stored row (none for a job only the tool
    /// knows), and whether that version was read just now or kept from an earlier read.
    struct Target {
        var job: Job
        var version: JobForm.Version?
        var read: Bool
    }

    /// A job by Junction id or `remote:<remote id>`. A remote id the store does not hold is looked
    /// up in the tool: Kombo takes remote job ids from callers who do not sync jobs, so a job
    /// created in the tool minutes ago takes applications before the next sync brings it. With
    /// `kept`, a job by Junction id whose form this instance kept is not read (see `claim`).
    /// `credentials` are read from the store when not given.
    func findJob(
        _ reference: String, integration: Integration, credentials: (@Sendable () async throws -> Data)?,
        kept: Bool = false
    ) async throws -> Target {
        let integrationID = integration.id.description
        let remoteID = reference.hasPrefix("remote:") ? String(reference.dropFirst(7)) : nil
        if kept, remoteID == nil, let form = store.records.keptJobForm(integrationID: integrationID, id: reference) {
            return Target(job: form.job, version: form.version, read: false)
        }
        if let form = try await store.records.jobForm(
            integrationID: integrationID, where: remoteID == nil ? "id" : "remote_id", equals: remoteID ?? reference)
        {
            return Target(job: form.job, version: form.version, read: true)
        }
        if let remoteID, !remoteID.isEmpty, let (writer, _) = try? writer(for: integration),
            let credentials = try await self.credentials(given: credentials, integration: integration),
            let job = try await writer.job(remoteID: remoteID, integration: integration, credentials: credentials)
        {
            return Target(job: job, version: nil, read: true)
        }
        throw APIError(
            .inputInvalid,
            "No job '\(reference)' in this integration: pass a job id from GET /v1/ats/jobs, or remote:<\(label(of: integration)) job id>.",
            status: 404)
    }

    private func credentials(given: (@Sendable () async throws -> Data)?, integration: Integration) async throws
        -> Data?
    {
        if let given { return try await given() }
        return try await store.integrations.credentials(
            integrationID: integration.id.description, workspaceID: integration.workspaceID)
    }

    func downloadAttachments(_ files: [WritePlan.File], tool: String) async throws -> [DownloadedFile] {
        var result: [DownloadedFile] = []
        var problems: [ApplicationCreate.Problem] = []
        var total = 0
        for (index, file) in files.enumerated() {
            if let data = file.attachment.data {
                result.append(DownloadedFile(data: data, contentType: file.attachment.contentType))
                total += data.count
                continue
            }
            guard let url = file.attachment.dataURL else { continue }
            switch await fetcher.fetch(url) {
            case .success(let download):
                result.append(download)
                total += download.data.count
            case .failure(let error):
                problems.append(.init("attachments[\(index)].data_url", error.message))
                result.append(DownloadedFile(data: Data(), contentType: nil))
            }
        }
        if total > ApplicationCreate.maxTotalAttachmentBytes {
            problems.append(
                .init(
                    "attachments",
                    "hold \(total) bytes; at most \(ApplicationCreate.maxTotalAttachmentBytes) per application"))
        }
        guard problems.isEmpty else { throw Self.invalid(problems, tool: tool) }
        return result
    }

    // MARK: - Errors

    static func invalid(_ problems: [ApplicationCreate.Problem], tool: String) -> APIError {
        ApplicationCreate.Problems(list: problems).apiError(tool: tool)
    }
}
