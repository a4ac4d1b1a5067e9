import Foundation
import JunctionModel
import JunctionStore
import Logging
import Personio

/// Creates an application in Personio for a unified create request, then makes it readable at
/// once: validation (nothing sent on any problem), a claim against duplicates, attachment
/// uploads, the create, and the new records found through v2 and saved to the store with the
/// ids the next sync derives too.
struct ApplicationWriter: Sendable {
    let store: Store
    let accounts: PersonioAccounts
    let fetcher: any AttachmentFetcher
    let logger: Logger

    struct Created: Sendable {
        var application: Application
        var candidate: Candidate
        var warnings: [String]
    }

    func create(_ request: ApplicationCreate, jobReference: String, integration: Integration) async throws -> Created {
        let integrationID = integration.id.description
        let job = try await findJob(jobReference, integrationID: integrationID)
        let (channels, defaultChannel) = try settings { try RecruitingChannel.catalog(settings: integration.settings) }
        let planner = ApplicationPlanner(
            integrationID: integrationID, job: job, channels: channels, defaultChannelID: defaultChannel)
        var plan: ApplicationPlan
        do {
            plan = try planner.plan(request)
        } catch {
            throw Self.invalid(error.list)
        }
        let email = request.candidate.emailAddress
        if try await store.applicationExists(jobID: job.id, email: email, integrationID: integrationID) {
            throw APIError(
                .applicationAlreadyExists,
                "\(email) has already applied to job \(job.id) (\(job.name ?? job.remoteID)).")
        }
        // One writer per (email, job) across every instance: a concurrent duplicate is refused.
        let claim = "application:\(email.lowercased()):\(job.remoteID)"
        guard try await store.takeClaim(claim, integrationID: integrationID) else {
            // The claim stays once Personio holds the application (a later step may have failed),
            // so a retry is refused instead of creating a second one; the next sync brings it.
            throw APIError(
                .applicationAlreadyExists,
                "An application of \(email) to job \(job.id) is being created right now, or was sent to Personio already and appears here after the next sync."
            )
        }
        var created = false
        do {
            let files = try await downloadAttachments(plan.files)
            let (client, _) = try await accounts.client(for: integration, store: store)
            var uploaded: [JSONValue] = []
            for (file, data) in zip(plan.files, files) {
                let document = try await personio {
                    try await client.uploadDocument(
                        data, filename: file.attachment.name,
                        contentType: file.attachment.contentType ?? "application/octet-stream")
                }
                uploaded.append(
                    .object([
                        "uuid": .string(document.uuid), "original_filename": .string(file.attachment.name),
                        "category": .string(file.category),
                    ]))
            }
            if !uploaded.isEmpty { plan.body["files"] = .array(uploaded) }
            try await personio { try await client.createApplication(plan.body) }
            created = true
            logger.info(
                "application created in Personio",
                metadata: ["integration": "\(integrationID)", "job": "\(job.remoteID)"])
            // Personio holds the application now; the claim stays, a fast refusal of a repeat.
            return try await readBack(plan: plan, job: job, integrationID: integrationID, client: client)
        } catch {
            // Nothing was created: a corrected retry may go ahead at once. Once Personio holds
            // the application, the claim stays whatever failed after.
            if !created { try? await store.releaseClaim(claim, integrationID: integrationID) }
            throw error
        }

    }

    /// What the job-level checks find in a request whose shape was already faulty.
    func planProblems(_ request: ApplicationCreate, jobReference: String, integration: Integration) async
        -> [ApplicationCreate.Problem]
    {
        let integrationID = integration.id.description
        guard let job = try? await findJob(jobReference, integrationID: integrationID),
            let (channels, fallback) = try? RecruitingChannel.catalog(settings: integration.settings)
        else { return [] }
        let planner = ApplicationPlanner(
            integrationID: integrationID, job: job, channels: channels, defaultChannelID: fallback)
        do {
            _ = try planner.plan(request)
            return []
        } catch {
            return error.list
        }
    }

    // MARK: - Steps

    /// A job by Junction id or `remote:<Personio id>`.
    func findJob(_ reference: String, integrationID: String) async throws -> Job {
        let (column, value) =
            reference.hasPrefix("remote:") ? ("remote_id", String(reference.dropFirst(7))) : ("id", reference)
        guard
            let job = try await store.records(
                Job.self, integrationID: integrationID, where: column, in: [value], remoteData: false
            ).first
        else {
            throw APIError(
                .inputInvalid,
                "No job '\(reference)' in this integration: pass a job id from GET /v1/ats/jobs, or remote:<Personio id>.",
                status: 404)
        }
        return job
    }

    func downloadAttachments(_ files: [ApplicationPlan.File]) async throws -> [Data] {
        var result: [Data] = []
        var problems: [ApplicationCreate.Problem] = []
        var total = 0
        for (index, file) in files.enumerated() {
            if let data = file.attachment.data {
                result.append(data)
                total += data.count
                continue
            }
            guard let url = file.attachment.dataURL else { continue }
            switch await fetcher.fetch(url) {
            case .success(let data):
                result.append(data)
                total += data.count
            case .failure(let error):
                problems.append(.init("attachments[\(index)].data_url", error.message))
                result.append(Data())
            }
        }
        if total > ApplicationCreate.maxTotalAttachmentBytes {
            problems.append(
                .init(
                    "attachments",
                    "hold \(total) bytes; at most \(ApplicationCreate.maxTotalAttachmentBytes) per application"))
        }
        guard problems.isEmpty else { throw Self.invalid(problems) }
        return result
    }

    /// Finds the new application through v2 (Personio's create answer has no ids), saves it and
    /// its candidate, and returns them as the store now holds them.
    func readBack(plan: ApplicationPlan, job: Job, integrationID: String, client: PersonioClient) async throws
        -> Created
    {
        let mapper = CandidateMapper(integrationID: integrationID)
        // [?] Personio's reads may lag its writes: look a few times before giving up.
        var found: Captured<V2Application>?
        for delay in [0, 250, 1000, 2000] {
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            let applications = try await personio { try await client.applications(candidateEmail: plan.email) }
            found = applications.filter { $0.value.jobID == plan.jobRemoteID }.max(by: Self.older)
            if found != nil { break }
        }
        guard let found, let candidateRemoteID = found.value.candidateID else {
            throw APIError(
                .remoteServiceUnavailable,
                "Personio accepted the application of \(plan.email) but does not show it yet; the next sync will "
                    + "bring it in. Do not send it again: Personio would refuse a second application to this job.")
        }
        let remoteCandidate = try await personio { try await client.candidate(id: candidateRemoteID) }
        let application = mapper.map(found)
        try await store.saveRecords([application], integrationID: integrationID)
        let candidate = try await store.withApplicationSources(
            [mapper.map(remoteCandidate)], integrationID: integrationID)[0]
        try await store.saveRecords([candidate], integrationID: integrationID)
        // The responses are written from the stored documents, as a read would show them.
        return Created(application: application, candidate: candidate, warnings: plan.warnings)
    }

    static func older(_ a: Captured<V2Application>, _ b: Captured<V2Application>) -> Bool {
        let left = a.value.createdAt?.date ?? .distantPast
        let right = b.value.createdAt?.date ?? .distantPast
        return left == right ? a.value.id < b.value.id : left < right
    }

    // MARK: - Errors

    static func invalid(_ problems: [ApplicationCreate.Problem]) -> APIError {
        let count = problems.count == 1 ? "1 field is" : "\(problems.count) fields are"
        return APIError(
            .inputInvalid,
            "\(count) invalid; nothing was sent to Personio. " + problems.map(\.description).joined(separator: "; "))
    }

    func settings<T>(_ read: () throws -> T) throws -> T {
        do {
            return try read()
        } catch let error as PersonioError {
            throw APIError(.unknownError, "The integration's settings are invalid: \(error)")
        }
    }

    /// Runs a Personio call and turns its failure into the unified error a client can act on.
    func personio<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as PersonioError {
            throw error.unified
        }
    }
}
