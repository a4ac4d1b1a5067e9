import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// The operator UI at `/dashboard`: integrations with status and sync runs, the logs of
/// writes and passthrough, failed connect flows, and the custom field explorer with its
/// mappings. Server-rendered forms; signed in with a workspace API key.
struct DashboardController {
    let store: Store
    let session: DashboardSession
    /// Where webhook receivers added here may be.
    let webhooks: OutboundRequests
    /// Failed sign-ins per client address.
    let signInFailures: RateLimiter
    /// The tools this process serves, for their settings.
    let connectors: ConnectorRegistry
    /// This process's activity entries not yet written: flushed before the log is shown.
    let activity: ActivityRecorder

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("dashboard") { request, _ in
            guard let workspaceID = try await session.workspace(request) else {
                return signInPage(request, error: nil)
            }
            return try await overview(request, workspaceID: workspaceID, error: nil)
        }
        router.post("dashboard/sign-in") { request, context in
            let form = try await HTML.form(request)
            guard session.checkSignInForm(request, form) else {
                return signInPage(request, error: "The sign-in form expired or came from another site; try again.")
            }
            let bucket = "sign-in:" + context.clientAddress
            if let wait = signInFailures.retryAfter(bucket) {
                var response = signInPage(
                    request, error: "Too many failed sign-ins from this address; try again in \(wait) seconds.",
                    status: .tooManyRequests)
                response.headers[.retryAfter] = String(wait)
                return response
            }
            let key = form["api_key"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !key.isEmpty, let apiKey = try await store.access.apiKey(matching: key), apiKey.revokedAt == nil
            else {
                signInFailures.record(bucket)
                return signInPage(request, error: "That API key is unknown or was revoked.")
            }
            return Self.redirect("/dashboard", cookie: try await session.open(apiKey: apiKey))
        }
        // Everything else needs a session: the middleware sends a request without one to the
        // sign-in page and gives the handlers the session's workspace.
        let signedIn = router.group("dashboard").add(middleware: DashboardSignInMiddleware(session: session))
        signedIn.post("sign-out") { request, context in
            let form = try await HTML.form(request)
            guard session.checkForm(request, form)
            else { return Self.redirect("/dashboard") }
            return Self.redirect("/dashboard", cookie: try await session.end(request))
        }
        signedIn.get("integrations/:integration_id") { request, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("integration_id") ?? ""
            guard let integration = try await store.integrations.integration(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            return try await integrationPage(request, integration, error: nil)
        }
        signedIn.get("logs/:log_id") { request, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("log_id") ?? ""
            guard let entry = try await store.requestLog.requestLogEntry(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            struct Context {
                var title, formToken, id, when, method, path, integration, status, code, message: String
            }
            return HTML.response(
                Templates.render(
                    Context(
                        title: "Request \(entry.id)", formToken: session.formToken(request), id: entry.id,
                        when: Self.time(entry.createdAt), method: entry.method, path: entry.path,
                        integration: entry.integrationID ?? "–", status: String(entry.status),
                        code: entry.errorCode ?? "", message: entry.errorMessage), "dashboard-log-entry"))
        }
        signedIn.post("webhooks") { request, context in
            let workspaceID = try context.requireWorkspace()
            let form = try await HTML.form(request)
            guard session.checkForm(request, form)
            else {
                return try await overview(request, workspaceID: workspaceID, error: "The form expired; try again.")
            }
            do {
                let url = try await WebhooksController.validURL(
                    form["url"]?.trimmingCharacters(in: .whitespaces), outbound: webhooks)
                let (endpoint, secret) = try await store.webhooks.createWebhookEndpoint(
                    workspaceID: workspaceID, url: url, description: nil, events: nil, now: Date())
                struct Context {
                    var title, formToken, url, secret: String
                }
                return HTML.response(
                    Templates.render(
                        Context(
                            title: "Webhook endpoint added", formToken: session.formToken(request), url: endpoint.url,
                            secret: secret), "dashboard-webhook-added"))
            } catch let error as APIError {
                return try await overview(request, workspaceID: workspaceID, error: error.message)
            }
        }
        signedIn.get("webhooks/:webhook_id") { request, context in
            let workspaceID = try context.requireWorkspace()
            let id = context.parameters.get("webhook_id") ?? ""
            guard let endpoint = try await store.webhooks.webhookEndpoint(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            return try await webhookPage(request, endpoint)
        }
        signedIn.post("webhooks/:webhook_id/deliveries/:delivery_id/redeliver") { request, context in
            try await change(request, context) { workspaceID, _ in
                let id = context.parameters.get("webhook_id") ?? ""
                guard
                    try await store.webhooks.redeliver(
                        deliveryID: context.parameters.get("delivery_id") ?? "", workspaceID: workspaceID, now: Date())
                        != nil
                else { throw APIError.invalidInput("No such webhook delivery in this workspace.") }
                return "/dashboard/webhooks/\(Self.pathEscape(id))"
            }
        }
        signedIn.post("custom-fields") { request, context in
            try await change(request, context) { workspaceID, form in
                let field = try FieldsController.validate(
                    .init(
                        model: form["model"], key: form["key"], label: form["label"].flatMap { $0.isEmpty ? nil : $0 },
                        description: nil), workspaceID: workspaceID)
                guard try await store.fields.createCustomField(field, now: Date()) else {
                    throw APIError.invalidInput("'\(field.key)' is already a custom field of \(field.model).")
                }
                return "/dashboard"
            }
        }
        signedIn.post("integrations/:integration_id/sync") { request, context in
            try await integrationChange(request, context) { integration, form in
                let kind: SyncRun.Kind = form["type"] == "DELTA" ? .delta : .full
                _ = try await store.syncRuns.requestSync(
                    integrationID: integration.id.description, kind: kind, now: Date())
            }
        }
        signedIn.post("integrations/:integration_id/fields/:field_id") { request, context in
            try await integrationChange(request, context) { integration, form in
                let fieldID = context.parameters.get("field_id") ?? ""
                guard
                    try await store.fields.integrationField(id: fieldID, integrationID: integration.id.description)
                        != nil
                else { throw APIError.invalidInput("No such integration field.") }
                try await store.fields.setPassthrough(
                    form["passthrough"] == "1", fieldID: fieldID, integrationID: integration.id.description)
            }
        }
        signedIn.post("integrations/:integration_id/custom-fields/:custom_field_id") { request, context in
            try await integrationChange(request, context) { integration, form in
                let customID = context.parameters.get("custom_field_id") ?? ""
                guard
                    let custom = try await store.fields.customField(id: customID, workspaceID: integration.workspaceID)
                else {
                    throw APIError.invalidInput("No such custom field.")
                }
                let fieldID = form["integration_field_id"].flatMap { $0.isEmpty ? nil : $0 }
                if let fieldID {
                    guard
                        let field = try await store.fields.integrationField(
                            id: fieldID, integrationID: integration.id.description),
                        field.model == custom.model
                    else { throw APIError.invalidInput("Choose a field of \(custom.model) for '\(custom.key)'.") }
                }
                try await store.fields.mapCustomField(customID, to: fieldID, integrationID: integration.id.description)
            }
        }
        // Each setting a registered tool declares (Personio: applicant attributes, career sites).
        let settingPaths = Set(connectors.tools.flatMap { connectors[$0]?.descriptor.settings.map(\.path) ?? [] })
        for path in settingPaths.sorted() {
            signedIn.post("integrations/:integration_id/\(path)") { request, context in
                try await integrationChange(request, context) { integration, form in
                    let text = form["value"] ?? ""
                    guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
                        throw APIError.invalidInput("The value of '\(path)' is not valid JSON.")
                    }
                    _ = try await ToolSettingsController.change(
                        path, to: value, integration: integration, store: store, connectors: connectors)
                }
            }
        }
    }

    // MARK: - Plumbing

    /// A signed-in form post: checks the form token, applies `body`, and redirects to where it
    /// says; a refused change shows the page again with the reason.
    private func change(
        _ request: Request, _ context: AppRequestContext,
        _ body: (String, [String: String]) async throws -> String
    ) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let form = try await HTML.form(request)
        guard session.checkForm(request, form)
        else {
            return try await overview(request, workspaceID: workspaceID, error: "The form expired; try again.")
        }
        do {
            return Self.redirect(try await body(workspaceID, form))
        } catch let error as APIError {
            return try await overview(request, workspaceID: workspaceID, error: error.message)
        }
    }

    private func integrationChange(
        _ request: Request, _ context: AppRequestContext, _ body: (Integration, [String: String]) async throws -> Void
    ) async throws -> Response {
        let workspaceID = try context.requireWorkspace()
        let id = context.parameters.get("integration_id") ?? ""
        guard let integration = try await store.integrations.integration(id: id, workspaceID: workspaceID) else {
            return notFound()
        }
        let form = try await HTML.form(request)
        guard session.checkForm(request, form)
        else {
            return try await integrationPage(request, integration, error: "The form expired; try again.")
        }
        do {
            try await body(integration, form)
            return Self.redirect("/dashboard/integrations/\(Self.pathEscape(id))")
        } catch let error as APIError {
            return try await integrationPage(request, integration, error: error.message)
        }
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// A run's error, or the warnings of a run that went on without something.
    static func notes(_ run: SyncRun) -> [String] {
        [run.error].compactMap { $0 } + run.stats.warnings
    }

    static func pathEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? text
    }

    private func notFound() -> Response {
        HTML.response(
            Templates.render(["title": "Not found"], "dashboard-not-found"), status: .notFound)
    }

    // MARK: - Pages

    private func signInPage(
        _ request: Request, error: String?, status: HTTPResponse.Status = .unauthorized
    ) -> Response {
        struct Context {
            var title = "Junction dashboard"
            var error: String?
            var signInToken: String
        }
        let nonce = session.signInNonce(request)
        var headers: HTTPFields = [:]
        if let setCookie = nonce.setCookie { headers[.setCookie] = setCookie }
        return HTML.response(
            Templates.render(
                Context(error: error, signInToken: session.signInFormToken(nonce: nonce.value)), "dashboard-sign-in"),
            status: error == nil ? .ok : status, headers: headers)
    }

    private func overview(_ request: Request, workspaceID: String, error: String?) async throws -> Response {
        struct Row {
            var id, href, organization, status, setup, lastSync, counts, fresh, nextSync: String
            var notes: [String]
        }
        struct Link {
            var created, kind, organization, state: String
        }
        struct Hook {
            var id, url, events, added: String
        }
        struct Field {
            var model, key, label: String
        }
        struct Context {
            var title = "Junction dashboard"
            var formToken: String
            var error: String?
            var integrations: [Row]
            var links: [Link]
            var webhooks: [Hook]
            var customFields: [Field]
            var models = FieldsController.models
        }
        var rows: [Row] = []
        for integration in try await store.integrations.integrations(workspaceID: workspaceID) {
            let id = integration.id.description
            let last = try await store.syncRuns.syncRuns(integrationID: id, limit: 1).first
            let schedule = try await store.syncSchedule.schedule(integrationID: id)
            let confirmed = try await store.syncSchedule.confirmedAt(integrationID: id)
            rows.append(
                Row(
                    id: id, href: "/dashboard/integrations/\(Self.pathEscape(id))",
                    organization: integration.endUserOrganizationName, status: integration.status.rawValue,
                    setup: integration.setupStatus.rawValue, lastSync: last.map(Self.runSummary) ?? "never",
                    counts: last.map(Self.counts) ?? "",
                    fresh: confirmed.map { Self.age(since: $0) } ?? "never",
                    nextSync: schedule.map { "\($0.kind.rawValue) (\($0.reason.rawValue)) \(Self.time($0.dueAt))" }
                        ?? "",
                    notes: last.map(Self.notes) ?? []))
        }
        let links = try await store.connectLinks.connectLinks(workspaceID: workspaceID, limit: 20).map { link in
            Link(
                created: Self.time(link.createdAt), kind: link.kind.rawValue,
                organization: link.endUserOrganizationName,
                state: link.completedAt != nil
                    ? "completed" : link.failure.map { "failed: " + $0 } ?? (link.isExpired() ? "expired" : "open"))
        }
        let hooks = try await store.webhooks.webhookEndpoints(workspaceID: workspaceID).map { endpoint in
            Hook(
                id: endpoint.id, url: endpoint.url, events: endpoint.events?.joined(separator: ", ") ?? "all",
                added: Self.time(endpoint.createdAt))
        }
        let fields = try await store.fields.customFields(workspaceID: workspaceID).map {
            Field(model: $0.model, key: $0.key, label: $0.label ?? "")
        }
        let context = Context(
            formToken: session.formToken(request), error: error, integrations: rows, links: links, webhooks: hooks,
            customFields: fields)
        return HTML.response(Templates.render(context, "dashboard-overview"))
    }

    private func integrationPage(_ request: Request, _ integration: Integration, error: String?) async throws
        -> Response
    {
        struct SyncKind {
            var kind, label: String
        }
        struct Run {
            var id, started, kind, status, duration, counts, requests: String
            var notes: [String]
        }
        struct Activity {
            var when, kind, method, path, status, milliseconds, error: String
        }
        struct Context {
            var title, id, status, setup, base, formToken: String
            var error: String?
            var syncKinds = [SyncKind(kind: "FULL", label: "full"), SyncKind(kind: "DELTA", label: "delta")]
            var runs: [Run]
            var activity: [Activity]
            var sample = String(FieldRepository.fieldDiscoverySample)
            var mappings: [Explorer.Mapping]
            var models: [Explorer.Model]
            var settings: [Explorer.Setting]
        }
        let id = integration.id.description
        let base = "/dashboard/integrations/\(Self.pathEscape(id))"
        let runs = try await store.syncRuns.syncRuns(integrationID: id, limit: 20).map { run in
            Run(
                id: run.id, started: Self.time(run.startedAt), kind: run.kind.rawValue, status: run.status.rawValue,
                duration: Self.duration(run), counts: Self.counts(run), requests: String(run.stats.requests),
                notes: Self.notes(run))
        }
        await self.activity.flush()
        let activity = try await store.requestLog.activity(integrationID: id, limit: 50).map { entry in
            Activity(
                when: Self.time(entry.createdAt), kind: entry.kind, method: entry.method, path: entry.path,
                status: String(entry.status), milliseconds: String(entry.durationMilliseconds), error: entry.error ?? ""
            )
        }
        let explorer = try await explorer(integration)
        let context = Context(
            title: integration.endUserOrganizationName, id: id, status: integration.status.rawValue,
            setup: integration.setupStatus.rawValue, base: base, formToken: session.formToken(request), error: error,
            runs: runs, activity: activity, mappings: explorer.mappings, models: explorer.models,
            settings: explorer.settings)
        return HTML.response(Templates.render(context, "dashboard-integration"))
    }

    /// An endpoint's deliveries, newest first, each with its attempts and a redelivery button.
    private func webhookPage(_ request: Request, _ endpoint: WebhookEndpoint) async throws -> Response {
        struct Delivery {
            var id, endpointID, created, event, integration, state: String
            var attempts: [String]
        }
        struct Context {
            var title = "Webhook deliveries"
            var formToken, url: String
            var deliveries: [Delivery]
        }
        var deliveries: [Delivery] = []
        for delivery in try await store.webhooks.webhookDeliveries(
            endpointID: endpoint.id, workspaceID: endpoint.workspaceID, limit: 100
        ).deliveries {
            let attempts = try await store.webhooks.webhookAttempts(deliveryID: delivery.id).map { attempt in
                "#\(attempt.attempt) \(Self.time(attempt.attemptedAt)): \(attempt.status.map(String.init) ?? "–") \(attempt.error ?? "") (\(attempt.durationMilliseconds) ms)"
            }
            deliveries.append(
                Delivery(
                    id: delivery.id, endpointID: endpoint.id, created: Self.time(delivery.createdAt),
                    event: delivery.eventType, integration: delivery.integrationID ?? "–",
                    state: delivery.state.rawValue, attempts: attempts))
        }
        return HTML.response(
            Templates.render(
                Context(formToken: session.formToken(request), url: endpoint.url, deliveries: deliveries),
                "dashboard-webhook"))
    }

    /// The custom field explorer's parts of an integration's page: the custom field mappings,
    /// the fields per model with samples and passthrough switches, and the tool's settings.
    struct Explorer {
        struct Option {
            var id, key: String
            var selected: Bool
        }
        struct Mapping {
            var id, key, model: String
            var options: [Option]
        }
        struct Field {
            var id, key, types, setIn, samples, toggleTo, buttonClass, buttonLabel: String
        }
        struct Model {
            var model: String
            var fields: [Field]
        }
        struct Setting {
            var title, help, path, value, lowercasedTitle: String
        }
        var mappings: [Mapping]
        var models: [Model]
        var settings: [Setting]
    }

    private func explorer(_ integration: Integration) async throws -> Explorer {
        let id = integration.id.description
        var fields: [IntegrationField] = []
        var after: String?
        repeat {
            let page = try await store.fields.integrationFields(integrationID: id, after: after, limit: 2000)
            fields += page.fields
            after = page.nextAfter
        } while after != nil
        let mappings = try await store.fields.customFieldMappings(integrationID: id)
        let customs = try await store.fields.customFields(workspaceID: integration.workspaceID)
        let mappingRows = customs.map { custom in
            Explorer.Mapping(
                id: custom.id, key: custom.key, model: custom.model,
                options: fields.filter { $0.model == custom.model }.map { field in
                    Explorer.Option(id: field.id, key: field.key, selected: mappings[custom.id]?.id == field.id)
                })
        }
        let models = FieldsController.models.map { model in
            Explorer.Model(
                model: model,
                fields: fields.filter { $0.model == model }.map { field in
                    let enabled = field.passthroughEnabled
                    return Explorer.Field(
                        id: field.id, key: field.key, types: field.valueTypes.joined(separator: ", "),
                        setIn: "\(field.setCount) / \(field.recordCount)",
                        samples: field.samples.prefix(3).joined(separator: ", "), toggleTo: enabled ? "0" : "1",
                        buttonClass: enabled ? "small" : "secondary small", buttonLabel: enabled ? "On" : "Off")
                })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var settings: [Explorer.Setting] = []
        // The credentials are opened once for all of the tool's settings.
        let connector = try? connectors.connector(for: integration)
        let credentials =
            connector == nil
            ? nil
            : try? await store.integrations.credentials(
                integrationID: integration.id.description, workspaceID: integration.workspaceID)
        for setting in connector?.descriptor.settings ?? [] {
            let current = credentials.flatMap { credentials in
                try? connector?.readSetting(setting.path, integration: integration, credentials: credentials)
            }
            let text = String(decoding: (try? encoder.encode(current ?? .array([]))) ?? Data("[]".utf8), as: UTF8.self)
            settings.append(
                Explorer.Setting(
                    title: setting.title, help: setting.help, path: setting.path, value: text,
                    lowercasedTitle: setting.title.lowercased()))
        }
        return Explorer(mappings: mappingRows, models: models, settings: settings)
    }

    // MARK: - Formatting

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(
            of: "Z", with: " UTC")
    }

    /// "42 s ago", "7 min ago", "3 h ago": how old the integration's confirmed data is.
    static func age(since date: Date, now: Date = Date()) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(date)))
        switch seconds {
        case ..<120: return "\(seconds) s ago"
        case ..<7200: return "\(seconds / 60) min ago"
        default: return "\(seconds / 3600) h ago"
        }
    }

    static func duration(_ run: SyncRun) -> String {
        guard let finished = run.finishedAt else { return "running" }
        return String(format: "%.1f s", finished.timeIntervalSince(run.startedAt))
    }

    static func runSummary(_ run: SyncRun) -> String {
        "\(run.kind.rawValue) \(run.status.rawValue.lowercased()) · \(time(run.startedAt)) · \(duration(run))"
    }

    static func counts(_ run: SyncRun) -> String {
        let sum = { (values: [String: Int]) in values.values.reduce(0, +) }
        return "+\(sum(run.stats.added)) ~\(sum(run.stats.updated)) −\(sum(run.stats.deleted))"
    }
}
