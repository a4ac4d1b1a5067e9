import Foundation
import JunctionConnectors
import JunctionModel

/// Personio's write actions: a plan from the Recruiting API v1's rules, the documents uploaded
/// and the application created through v1, then both records found through v2 (v1's create
/// answer carries no ids) and mapped as the next sync maps them.
struct PersonioWriter: ApplicationWriting {
    let accounts: PersonioAccounts

    func planApplication(_ request: ApplicationCreate, job: Job, integration: Integration) throws -> WritePlan {
        let catalog: (channels: [RecruitingChannel], default: Int?)
        do {
            catalog = try RecruitingChannel.catalog(settings: integration.settings)
        } catch {
            throw APIError(.unknownError, "The integration's settings are invalid: \(error)")
        }
        let planner = ApplicationPlanner(
            integrationID: integration.id.description, job: job, channels: catalog.channels,
            defaultChannelID: catalog.default)
        return try planner.plan(request)
    }

    func job(remoteID: String, integration: Integration, credentials: Data) async throws -> Job? {
        let decoded = try JSONDecoder().decode(PersonioCredentials.self, from: credentials)
        let client = await accounts.client(integrationID: integration.id.description, credentials: decoded)
        let connector: PersonioConnector
        do {
            connector = PersonioConnector(
                integrationID: integration.id.description, client: client, credentials: decoded,
                applicantAttributes: try ApplicantAttribute.catalog(settings: integration.settings))
        } catch {
            throw APIError(.unknownError, "The integration's settings are invalid: \(error)")
        }
        do {
            return try await connector.job(remoteID: remoteID)
        } catch let error as PersonioError {
            throw error.unified
        }
    }

    func submitApplication(_ plan: WritePlan, files: [Data], integration: Integration, credentials: Data)
        async throws
    {
        let client = try await client(integration, credentials)
        var plan = plan
        var uploaded: [JSONValue] = []
        // Every name is checked before the first upload: nothing is sent for a request refused.
        var names: [String] = []
        var problems: [ApplicationCreate.Problem] = []
        for (index, (file, data)) in zip(plan.files, files).enumerated() {
            let attachment = file.attachment
            if let name = ApplicationPlanner.fileName(attachment.name, contentType: attachment.contentType, data: data)
            {
                names.append(name)
            } else {
                problems.append(.init("attachments[\(index)].name", ApplicationPlanner.extensionProblem(attachment)))
            }
        }
        guard problems.isEmpty else { throw ApplicationCreate.Problems(list: problems).apiError(tool: "Personio") }
        for ((file, data), name) in zip(zip(plan.files, files), names) {
            let document = try await unified {
                try await client.uploadDocument(
                    data, filename: name, contentType: file.attachment.contentType ?? "application/octet-stream")
            }
            uploaded.append(
                .object([
                    "uuid": .string(document.uuid), "original_filename": .string(name),
                    "category": .string(file.category),
                ]))
        }
        if !uploaded.isEmpty { plan.body["files"] = .array(uploaded) }
        let body = plan.body
        try await unified { try await client.createApplication(body) }
    }

    func readBackApplication(_ plan: WritePlan, integration: Integration, credentials: Data) async throws
        -> CreatedRecords
    {
        let client = try await client(integration, credentials)
        let mapper = CandidateMapper(integrationID: integration.id.description)
        // [?] Personio's reads may lag its writes: look a few times before giving up.
        var found: Captured<V2Application>?
        for delay in [0, 250, 1000, 2000] {
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            let applications = try await unified { try await client.applications(candidateEmail: plan.email) }
            found = applications.filter { $0.value.jobID == plan.jobRemoteID }.max(by: Self.older)
            if found != nil { break }
        }
        guard let found, let candidateRemoteID = found.value.candidateID else {
            throw APIError(
                .remoteServiceUnavailable,
                "Personio accepted the application of \(plan.email) but does not show it yet; the next sync will "
                    + "bring it in. Do not send it again: Personio would refuse a second application to this job.")
        }
        let candidate = try await unified { try await client.candidate(id: candidateRemoteID) }
        return CreatedRecords(application: mapper.map(found), candidate: mapper.map(candidate))
    }

    static func older(_ a: Captured<V2Application>, _ b: Captured<V2Application>) -> Bool {
        let left = a.value.createdAt?.date ?? .distantPast
        let right = b.value.createdAt?.date ?? .distantPast
        return left == right ? a.value.id < b.value.id : left < right
    }

    private func client(_ integration: Integration, _ credentials: Data) async throws -> PersonioClient {
        let decoded = try JSONDecoder().decode(PersonioCredentials.self, from: credentials)
        return await accounts.client(integrationID: integration.id.description, credentials: decoded)
    }

    /// Runs a Personio call and turns its failure into the unified error a client can act on.
    private func unified<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as PersonioError {
            throw error.unified
        }
    }
}
