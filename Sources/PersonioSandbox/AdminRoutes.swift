import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// The sandbox's control surface under `/_sandbox/`: ground truth, mutations, credentials,
/// feature switches and fault injection. Not part of Personio; documented in the README.
struct AdminRoutes {
    static let prefix = "_sandbox"
    let account: SandboxAccount
    let faults: FaultInjector
    let partnerHeaders: PartnerHeaderLog

    func add(to router: Router<BasicRequestContext>) {
        let admin = router.group(RouterPath(Self.prefix))

        admin.get("ground-truth") { request, _ -> Response in
            let models = request.uri.queryParameters.get("models").map {
                Set($0.split(separator: ",").map(String.init))
            }
            return SandboxResponse.json(await account.groundTruth(models: models))
        }

        admin.post("jobs") { request, _ -> Response in
            let body = try await Self.body(request)
            guard case .string(let name)? = body["name"] else {
                return Self.error(.badRequest, "'name' (string) is required")
            }
            let published: Bool = if case .bool(let value)? = body["published"] { value } else { true }
            let id = await account.createJob(name: name, published: published)
            return SandboxResponse.json(.object([("id", .int(id))]), status: .created)
        }
        admin.patch("jobs/:id") { request, context -> Response in
            try await Self.run {
                try await account.updateJob(id: try Self.id(context), changes: try await Self.body(request))
            }
        }
        admin.delete("jobs/:id") { _, context -> Response in
            try await Self.run { try await account.deleteJob(id: try Self.id(context)) }
        }
        admin.post("jobs/:id/publish") { _, context -> Response in
            try await Self.run {
                try await account.updateJob(id: try Self.id(context), changes: ["published": .bool(true)])
            }
        }
        admin.post("jobs/:id/unpublish") { _, context -> Response in
            try await Self.run {
                try await account.updateJob(id: try Self.id(context), changes: ["published": .bool(false)])
            }
        }

        admin.post("candidates") { request, _ -> Response in
            let body = try await Self.body(request)
            guard case .string(let first)? = body["first_name"], case .string(let last)? = body["last_name"],
                case .string(let email)? = body["email"]
            else { return Self.error(.badRequest, "'first_name', 'last_name' and 'email' (strings) are required") }
            do {
                let id = try await account.createCandidate(firstName: first, lastName: last, email: email)
                return SandboxResponse.json(.object([("id", .int(id))]), status: .created)
            } catch let error as SandboxAccount.AdminError {
                return Self.error(error)
            }
        }
        admin.post("applications") { request, _ -> Response in
            let body = try await Self.body(request)
            guard case .int(let candidate)? = body["candidate_id"], case .int(let job)? = body["job_id"] else {
                return Self.error(.badRequest, "'candidate_id' and 'job_id' (numbers) are required")
            }
            do {
                let id = try await account.createApplication(candidateID: candidate, jobID: job)
                return SandboxResponse.json(.object([("id", .int(id))]), status: .created)
            } catch let error as SandboxAccount.AdminError {
                return Self.error(error)
            }
        }
        admin.patch("candidates/:id") { request, context -> Response in
            try await Self.run {
                try await account.updateCandidate(id: try Self.id(context), changes: try await Self.body(request))
            }
        }
        admin.post("candidates/:id/anonymize") { _, context -> Response in
            try await Self.run { try await account.anonymizeCandidate(id: try Self.id(context)) }
        }
        admin.delete("candidates/:id") { _, context -> Response in
            try await Self.run { try await account.deleteCandidate(id: try Self.id(context)) }
        }
        admin.delete("applications/:id") { _, context -> Response in
            try await Self.run { try await account.deleteApplication(id: try Self.id(context)) }
        }
        admin.delete("categories/:id/stages/:stage") { _, context -> Response in
            guard let stage = context.parameters.get("stage").flatMap(Int.init) else {
                return Self.error(.badRequest, "the stage id must be a number")
            }
            return try await Self.run {
                try await account.removeCategoryStage(categoryID: try Self.id(context), stageID: stage)
            }
        }
        admin.post("applications/:id/stage") { request, context -> Response in
            let body = try await Self.body(request)
            guard case .string(let type)? = body["type"] else {
                return Self.error(.badRequest, "'type' (system or custom) is required")
            }
            let stageID: String? =
                switch body["id"] {
                case .string(let text)?: text
                case .int(let number)?: String(number)
                default: nil
                }
            guard let stageID else { return Self.error(.badRequest, "'id' is required") }
            return try await Self.run {
                try await account.moveStage(applicationID: try Self.id(context), type: type, id: stageID)
            }
        }

        admin.post("clients/:client/rotate-secret") { _, context -> Response in
            let client = context.parameters.get("client") ?? ""
            do {
                let secret = try await account.rotateSecret(clientID: client)
                return SandboxResponse.json(
                    .object([("client_id", .string(client)), ("client_secret", .string(secret))]))
            } catch let error as SandboxAccount.AdminError {
                return Self.error(error)
            }
        }
        admin.put("clients/:client/scopes") { request, context -> Response in
            let body = try await Self.body(request)
            guard case .strings(let scopes)? = body["scopes"] else {
                return Self.error(.badRequest, "'scopes' (array of strings) is required")
            }
            return try await Self.run {
                try await account.setScopes(clientID: context.parameters.get("client") ?? "", scopes: scopes)
            }
        }
        admin.post("tokens/revoke-all") { _, _ -> Response in
            await account.revokeTokens(clientID: nil)
            return SandboxResponse.json(.object([]))
        }
        admin.post("recruiting-key/rotate") { _, _ -> Response in
            SandboxResponse.json(.object([("recruiting_api_key", .string(await account.rotateRecruitingKey()))]))
        }
        admin.put("features") { request, _ -> Response in
            let body = try await Self.body(request)
            func flag(_ name: String) -> Bool? { if case .bool(let value)? = body[name] { value } else { nil } }
            let feedMode: SandboxConfiguration.FeedMode?
            let vocabulary: SandboxConfiguration.StageVocabulary?
            let shape: SandboxConfiguration.TimestampShape?
            let languages: SandboxConfiguration.JobLanguages?
            let oauth: SandboxConfiguration.OAuthErrors?
            let limitWait: SandboxConfiguration.V1LimitWait?
            let lastModified: SandboxConfiguration.FeedLastModified?
            do {
                lastModified = try Self.choice(body, "feed_last_modified")
                limitWait = try Self.choice(body, "v1_limit_wait")
                feedMode = try Self.choice(body, "feed")
                vocabulary = try Self.choice(body, "stage_vocabulary")
                shape = try Self.choice(body, "timestamps")
                languages = try Self.choice(body, "job_languages")
                oauth = try Self.choice(body, "oauth_errors")
            } catch SandboxAccount.AdminError.invalid(let message) {
                return Self.error(.badRequest, message)
            }
            var sites: [String]?
            if let given = body["career_sites"] {
                guard case .strings(let hosts) = given, !hosts.isEmpty,
                    hosts.allSatisfy({ $0.hasSuffix(".jobs.personio.de") || $0.hasSuffix(".jobs.personio.com") })
                else {
                    return Self.error(
                        .badRequest,
                        "'career_sites' must list hosts like acme.jobs.personio.de or acme.jobs.personio.com")
                }
                sites = hosts
            }
            var scopeStatus: Int?
            if let given = body["missing_scope_status"] {
                guard case .int(let status) = given, status == 401 || status == 403 else {
                    return Self.error(.badRequest, "'missing_scope_status' must be 401 or 403")
                }
                scopeStatus = status
            }
            await account.setFeatures(
                recruitingAPI: flag("recruiting_api"), xmlFeed: flag("xml_feed"), rateLimits: flag("rate_limits"),
                feedMode: feedMode, stageVocabulary: vocabulary, timestampShape: shape, oddFields: flag("odd_fields"),
                publicationMovesUpdatedAt: flag("publication_moves_updated_at"), jobLanguages: languages,
                wrapSingleResource: flag("wrap_single_resource"), emptyPageAfterLast: flag("empty_page_after_last"),
                missingScopeStatus: scopeStatus, timestampObjects: flag("timestamp_objects"), careerSites: sites,
                oauthErrors: oauth, anonymizationMovesUpdatedAt: flag("anonymization_moves_updated_at"),
                v1LimitWait: limitWait, availableFromDatesOnly: flag("available_from_dates_only"),
                feedLastModified: lastModified)
            return SandboxResponse.json(.object([]))
        }

        // Which partner headers Personio requests carried: every distinct pair with its count.
        admin.get("partner-headers") { _, _ -> Response in
            let seen = await partnerHeaders.seen.sorted { $0.value > $1.value }
            return SandboxResponse.json(
                .object([
                    ("requests", .int(await partnerHeaders.requests)),
                    (
                        "seen",
                        .array(
                            seen.map { entry in
                                .object([
                                    ("partner_id", entry.key.partnerID.map(JSON.string) ?? .null),
                                    ("app_id", entry.key.appID.map(JSON.string) ?? .null),
                                    ("count", .int(entry.value)),
                                ])
                            })
                    ),
                ]))
        }
        admin.delete("partner-headers") { _, _ -> Response in
            await partnerHeaders.reset()
            return SandboxResponse.json(.object([]))
        }

        admin.put("faults") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 256 * 1024)
            do {
                let plan = try JSONDecoder().decode(FaultPlan.self, from: Data(buffer: buffer))
                await faults.install(plan)
                return SandboxResponse.json(.object([("rules", .int(plan.rules.count))]))
            } catch let error as DecodingError {
                return Self.error(.badRequest, "invalid fault plan: \(error)")
            }
        }
        admin.delete("faults") { _, _ -> Response in
            await faults.install(FaultPlan(seed: 0, rules: []))
            return SandboxResponse.json(.object([]))
        }
        admin.get("faults/log") { _, _ -> Response in
            SandboxResponse.json(
                .array(await faults.log.map { .object([("path", .string($0.path)), ("fault", .string($0.fault))]) }))
        }
    }

    // MARK: - Helpers

    /// A switch's value from an admin body: nil when absent, an error naming the choices when
    /// it is not one of them.
    static func choice<Value: RawRepresentable & CaseIterable>(_ body: [String: JSONValueLite], _ name: String)
        throws(SandboxAccount.AdminError) -> Value? where Value.RawValue == String
    {
        guard let given = body[name] else { return nil }
        guard case .string(let text) = given, let value = Value(rawValue: text) else {
            throw .invalid("'\(name)' must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    static func body(_ request: Request) async throws -> [String: JSONValueLite] {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        if buffer.readableBytes == 0 { return [:] }
        return (try? JSONDecoder().decode([String: JSONValueLite].self, from: Data(buffer: buffer))) ?? [:]
    }

    static func id(_ context: BasicRequestContext) throws(SandboxAccount.AdminError) -> Int {
        guard let id = context.parameters.get("id").flatMap(Int.init) else { throw .invalid("the id must be a number") }
        return id
    }

    static func run(_ action: () async throws -> Void) async throws -> Response {
        do {
            try await action()
            return SandboxResponse.json(.object([]))
        } catch let error as SandboxAccount.AdminError {
            return Self.error(error)
        }
    }

    static func error(_ error: SandboxAccount.AdminError) -> Response {
        switch error {
        case .notFound(let what): Self.error(.notFound, "no \(what)")
        case .invalid(let message): Self.error(.badRequest, message)
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        SandboxResponse.json(.object([("error", .string(message))]), status: status)
    }
}
