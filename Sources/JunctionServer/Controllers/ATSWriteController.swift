import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore
import NIOCore
import NIOFoundationCompat

/// The write endpoints of `/v1/ats` (`docs/unified-api.md`, "Writes"): creating
/// applications (with their candidate), and the actions the integration's tool does not offer.
struct ATSWriteController {
    let gate: IntegrationGate
    let writer: ApplicationWriter
    let store: Store
    let reader: RecordRepository
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("ats/jobs/:job_id/applications") { request, context -> Response in
            let jobID = context.parameters.get("job_id") ?? ""
            return try await idempotent(request, context: context) { body, integration in
                let create = try await parse(body, legacy: false, jobReference: jobID, integration: integration)
                let created = try await writer.create(
                    create, jobReference: jobID, integration: integration,
                    credentials: { try await gate.credentials(integration, context: context) })
                return try await applicationResponse(created, integrationID: integration.id.description)
            }
        }
        group.post("ats/candidates") { request, context -> Response in
            try await idempotent(request, context: context) { body, integration in
                let create = try await parse(body, legacy: true, jobReference: nil, integration: integration)
                let created = try await writer.create(
                    create, jobReference: create.jobID ?? "", integration: integration,
                    credentials: { try await gate.credentials(integration, context: context) })
                return try await candidateResponse(created, integrationID: integration.id.description)
            }
        }
        for (method, path, action) in Self.unavailable {
            group.on(RouterPath("ats/\(path)"), method: method) { request, context -> Response in
                let integration = try await gate.readableIntegration(request, context: context)
                let descriptor = writer.connectors[integration.id.tool]?.descriptor
                throw APIError(
                    .actionNotAvailable,
                    descriptor?.unavailableActions[action]
                        ?? "\(descriptor?.label ?? integration.id.tool.rawValue) does not offer this action through Junction."
                )
            }
        }
    }

    /// The write actions no connector offers yet, by route; each tool's descriptor says why.
    static let unavailable: [(HTTPRequest.Method, String, WriteAction)] = [
        (.put, "applications/:id/stage", .moveApplicationStage),
        (.post, "applications/:id/reject", .rejectApplication),
        (.post, "applications/:id/notes", .addApplicationNote),
        (.post, "applications/:id/result-links", .addApplicationResultLink),
        (.post, "applications/:id/attachments", .addApplicationAttachment),
        (.post, "candidates/:id/attachments", .addCandidateAttachment),
        (.post, "candidates/:id/result-links", .addCandidateResultLink),
        (.post, "candidates/:id/tags", .addCandidateTag),
        (.delete, "candidates/:id/tags", .removeCandidateTag),
        (.post, "import-tracked-application", .importTrackedApplication),
    ]

    /// The request, or every problem it has: its shape's, and (as far as it could be read) those
    /// found against the job, so one answer names every bad field.
    func parse(_ body: JSONValue, legacy: Bool, jobReference: String?, integration: Integration) async throws
        -> ApplicationCreate
    {
        do {
            return try ApplicationCreate.parse(body, legacy: legacy)
        } catch {
            var problems = error.list
            if let partial = error.partial, let job = jobReference ?? partial.jobID {
                let more = await writer.planProblems(partial, jobReference: job, integration: integration)
                problems += more.filter { problem in !problems.contains { $0.path == problem.path } }
            }
            throw ApplicationWriter.invalid(problems, tool: writer.label(of: integration))
        }
    }

    // MARK: - Idempotency

    /// Runs `handle` once per `Idempotency-Key`: a retry with the same key and body gets the first
    /// answer again, byte for byte; the same key with another body is refused.
    func idempotent(
        _ request: Request, context: AppRequestContext,
        _ handle: (JSONValue, Integration) async throws -> (data: [UInt8], warnings: [String])
    ) async throws -> Response {
        let integration = try await gate.readableIntegration(request, context: context)
        let workspaceID = try context.requireWorkspace()
        let buffer = try await request.body.collect(upTo: maxBodyBytes)
        let bodyData = Data(buffer: buffer)
        let body: JSONValue
        do {
            body = try JSONDecoder().decode(JSONValue.self, from: bodyData)
        } catch {
            throw APIError.invalidInput("The request body is not JSON: \(error.localizedDescription)")
        }
        if let path = body.pathOfNUL() {
            throw APIError.invalidInput("Field '\(path)' must not contain the NUL character (U+0000).")
        }
        guard let key = request.headers[.idempotencyKey], !key.isEmpty else {
            let (data, warnings) = try await handle(body, integration)
            return Self.success(data, warnings: warnings)
        }
        guard key.count <= 255 else {
            throw APIError.invalidInput("Header 'Idempotency-Key' must be at most 255 characters.")
        }
        let hash = Self.hash(request.uri.path, integration.id.description, bodyData)
        var start = try await store.writeLedger.beginIdempotent(key: key, requestHash: hash, workspaceID: workspaceID)
        // A first request with this key is still running: wait for its answer, briefly.
        var waited = 0
        while start == .inProgress && waited < 60 {
            try await Task.sleep(for: .milliseconds(500))
            waited += 1
            start = try await store.writeLedger.beginIdempotent(key: key, requestHash: hash, workspaceID: workspaceID)
        }
        switch start {
        case .replay(let status, let text):
            var response = Response.json(text.utf8, status: HTTPResponse.Status(code: status))
            response.headers[.idempotentReplayed] = "true"
            return response
        case .mismatch:
            throw APIError.invalidInput(
                "Header 'Idempotency-Key' '\(key)' was used for a different request; use a new key for a new request.")
        case .inProgress:
            throw APIError(.concurrencyLimitExceeded, "The first request with this Idempotency-Key is still running.")
        case .new:
            do {
                let (data, warnings) = try await handle(body, integration)
                // Encoded once: the answer and the copy kept for replays are the same bytes.
                let encoded = Self.encode(data, warnings: warnings)
                try await store.writeLedger.finishIdempotent(
                    key: key, workspaceID: workspaceID, status: 200, body: String(decoding: encoded, as: UTF8.self))
                return Response.json(encoded)
            } catch let error as APIError where Self.isFinal(error) {
                let envelope = ErrorEnvelope(error, family: .ats, logURL: nil)
                let text = String(decoding: try UnifiedJSON.makeEncoder().encode(envelope), as: UTF8.self)
                try await store.writeLedger.finishIdempotent(
                    key: key, workspaceID: workspaceID, status: error.status, body: text)
                throw error
            } catch {
                // A retry may succeed (rate limit, outage, a bug): forget the key.
                try? await store.writeLedger.finishIdempotent(
                    key: key, workspaceID: workspaceID, status: nil, body: nil)
                throw error
            }
        }
    }

    /// Client errors that a retry cannot change are kept for replay.
    static func isFinal(_ error: APIError) -> Bool {
        (400..<500).contains(error.status) && error.status != 429 && error.code != .concurrencyLimitExceeded
    }

    static func hash(_ path: String, _ integrationID: String, _ body: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(path)\n\(integrationID)\n".utf8))
        hasher.update(data: body)
        return hexadecimal(hasher.finalize())
    }

    /// `{"status":"success","data":…,"warnings":[{"message":…}]}` around a record already written.
    static func encode(_ data: [UInt8], warnings: [String]) -> [UInt8] {
        ListResponseWriter.envelope(warnings: warnings, capacity: data.count + 128) { $0.raw(data) }
    }

    static func success(_ data: [UInt8], warnings: [String]) -> Response {
        Response.json(encode(data, warnings: warnings))
    }

    // MARK: - Responses

    /// The created application with its full candidate, stage and job (§4: no interviews/offers).
    func applicationResponse(_ created: ApplicationWriter.Created, integrationID: String) async throws
        -> (data: [UInt8], warnings: [String])
    {
        // One statement for what five would read (as a page of applications and a candidate).
        guard
            let stored = try await reader.createdApplication(
                integrationID: integrationID, applicationID: created.application.id,
                candidateID: created.candidate.id, columns: NestedComposer.applicationColumns),
            let candidate = stored.candidate
        else {
            throw APIError(.unknownError, "The created application \(created.application.id) is not in the store.")
        }
        let document = stored.application
        var context = try NestedContext(
            jobs: stored.job.map { [$0] } ?? [], stages: stored.stage.map { [$0] } ?? [],
            links: stored.link.map { [$0] } ?? [])
        // The full candidate, as stored, without its own `applications` (Kombo's answer has none).
        let overrides = [
            (key: "candidate", value: try Self.render(candidate, overrides: [], omitting: ["applications"])),
            (key: "current_stage", value: context.stage(of: document, full: false)),
            (key: "job", value: context.job(of: document)),
        ]
        return (try Self.render(document, overrides: overrides, omitting: ["interviews", "offers"]), created.warnings)
    }

    /// The created candidate as `GET /ats/candidates` shows it, applications included.
    func candidateResponse(_ created: ApplicationWriter.Created, integrationID: String) async throws
        -> (data: [UInt8], warnings: [String])
    {
        let stored = try await reader.documents(
            Candidate.self, integrationID: integrationID, where: "id", in: [created.candidate.id],
            includeDeleted: true, columns: [])
        guard let document = stored.first else {
            throw APIError(.unknownError, "The created candidate \(created.candidate.id) is not in the store.")
        }
        let composed = try await NestedComposer(reader: reader).candidates(stored, integrationID: integrationID)
        return (try Self.render(document, overrides: composed[document.id] ?? []), created.warnings)
    }

    /// A stored record as the read API writes it.
    static func render(
        _ document: StoredDocument, overrides: [(key: String, value: [UInt8])], omitting: [String] = []
    ) throws -> [UInt8] {
        var writer = JSONWriter()
        try ListResponseWriter.record(
            document, overrides: overrides, projection: nil, omitting: omitting, into: &writer)
        return writer.bytes
    }
}

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let warning = HTTPField.Name("Warning")!
}
