import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore

/// What the dashboard reads and changes.
public protocol DashboardStore: FieldStore, ToolSettingStore, APIKeyVerifier, WebhookStore, RequestLogStore,
    DashboardSessionStore
{
    func integrations(workspaceID: String) async throws -> [Integration]
    func syncRuns(integrationID: String, limit: Int) async throws -> [SyncRun]
    func activity(integrationID: String, limit: Int) async throws -> [ActivityEntry]
    func connectLinks(workspaceID: String, limit: Int) async throws -> [ConnectLink]
}

extension Store: DashboardStore, DashboardSessionStore {}

/// The operator UI at `/dashboard`: integrations with status and sync runs, the logs of
/// writes and passthrough, failed connect flows, and the custom field explorer with its
/// mappings. Server-rendered forms; signed in with a workspace API key.
struct DashboardController {
    let store: any DashboardStore
    let session: DashboardSession
    /// Where webhook receivers added here may be.
    let webhooks: OutboundRequests
    /// Failed sign-ins per client address.
    let signInFailures: RateLimiter
    /// The tools this process serves, for their settings.
    let connectors: ConnectorRegistry

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
            guard !key.isEmpty, let apiKey = try await store.apiKey(matching: key), apiKey.revokedAt == nil else {
                signInFailures.record(bucket)
                return signInPage(request, error: "That API key is unknown or was revoked.")
            }
            return Self.redirect("/dashboard", cookie: try await session.open(apiKey: apiKey))
        }
        router.post("dashboard/sign-out") { request, _ in
            let form = try await HTML.form(request)
            guard session.checkForm(request, form)
            else { return Self.redirect("/dashboard") }
            return Self.redirect("/dashboard", cookie: try await session.end(request))
        }
        router.get("dashboard/integrations/:integration_id") { request, context in
            guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
            let id = context.parameters.get("integration_id") ?? ""
            guard let integration = try await store.integration(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            return try await integrationPage(request, integration, error: nil)
        }
        router.get("dashboard/logs/:log_id") { request, context in
            guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
            let id = context.parameters.get("log_id") ?? ""
            guard let entry = try await store.requestLogEntry(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            let body = """
                \(nav(request))<h1>Request \(HTML.escape(entry.id))</h1>
                <table id="log-entry">
                <tr><th>When</th><td>\(Self.time(entry.createdAt))</td></tr>
                <tr><th>Request</th><td><code>\(HTML.escape(entry.method)) \(HTML.escape(entry.path))</code></td></tr>
                <tr><th>Integration</th><td>\(HTML.escape(entry.integrationID ?? "–"))</td></tr>
                <tr><th>Status</th><td>\(entry.status)</td></tr>
                <tr><th>Error</th><td><code>\(HTML.escape(entry.errorCode ?? ""))</code></td></tr>
                <tr><th>Message</th><td id="log-message">\(HTML.escape(entry.errorMessage))</td></tr>
                </table>
                """
            return HTML.response(HTML.page(title: "Request \(entry.id)", language: "en", body: body, wide: true))
        }
        router.post("dashboard/webhooks") { request, context in
            guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
            let form = try await HTML.form(request)
            guard session.checkForm(request, form)
            else {
                return try await overview(request, workspaceID: workspaceID, error: "The form expired; try again.")
            }
            do {
                let url = try await WebhooksController.validURL(
                    form["url"]?.trimmingCharacters(in: .whitespaces), outbound: webhooks)
                let (endpoint, secret) = try await store.createWebhookEndpoint(
                    workspaceID: workspaceID, url: url, description: nil, events: nil, now: Date())
                let body = """
                    \(nav(request))<h1>Webhook endpoint added</h1>
                    <p><code>\(HTML.escape(endpoint.url))</code></p>
                    <p>Its signing secret, shown only now (verify <code>X-Kombo-Signature</code> with it):</p>
                    <p><code id="webhook-secret">\(HTML.escape(secret))</code></p>
                    <p><a href="/dashboard#webhooks">Back to the dashboard</a></p>
                    """
                return HTML.response(HTML.page(title: "Webhook endpoint added", language: "en", body: body))
            } catch let error as APIError {
                return try await overview(request, workspaceID: workspaceID, error: error.message)
            }
        }
        router.get("dashboard/webhooks/:webhook_id") { request, context in
            guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
            let id = context.parameters.get("webhook_id") ?? ""
            guard let endpoint = try await store.webhookEndpoint(id: id, workspaceID: workspaceID) else {
                return notFound()
            }
            return try await webhookPage(request, endpoint)
        }
        router.post("dashboard/webhooks/:webhook_id/deliveries/:delivery_id/redeliver") { request, context in
            try await change(request, context) { workspaceID, _ in
                let id = context.parameters.get("webhook_id") ?? ""
                guard
                    try await store.redeliver(
                        deliveryID: context.parameters.get("delivery_id") ?? "", workspaceID: workspaceID, now: Date())
                        != nil
                else { throw APIError.invalidInput("No such webhook delivery in this workspace.") }
                return "/dashboard/webhooks/\(Self.pathEscape(id))"
            }
        }
        router.post("dashboard/custom-fields") { request, context in
            try await change(request, context) { workspaceID, form in
                let field = try FieldsController.validate(
                    .init(
                        model: form["model"], key: form["key"], label: form["label"].flatMap { $0.isEmpty ? nil : $0 },
                        description: nil), workspaceID: workspaceID)
                guard try await store.createCustomField(field, now: Date()) else {
                    throw APIError.invalidInput("'\(field.key)' is already a custom field of \(field.model).")
                }
                return "/dashboard"
            }
        }
        router.post("dashboard/integrations/:integration_id/sync") { request, context in
            try await integrationChange(request, context) { integration, form in
                let kind: SyncRun.Kind = form["type"] == "DELTA" ? .delta : .full
                _ = try await store.requestSync(integrationID: integration.id.description, kind: kind, now: Date())
            }
        }
        router.post("dashboard/integrations/:integration_id/fields/:field_id") { request, context in
            try await integrationChange(request, context) { integration, form in
                let fieldID = context.parameters.get("field_id") ?? ""
                guard try await store.integrationField(id: fieldID, integrationID: integration.id.description) != nil
                else { throw APIError.invalidInput("No such integration field.") }
                try await store.setPassthrough(
                    form["passthrough"] == "1", fieldID: fieldID, integrationID: integration.id.description)
            }
        }
        router.post("dashboard/integrations/:integration_id/custom-fields/:custom_field_id") { request, context in
            try await integrationChange(request, context) { integration, form in
                let customID = context.parameters.get("custom_field_id") ?? ""
                guard let custom = try await store.customField(id: customID, workspaceID: integration.workspaceID)
                else {
                    throw APIError.invalidInput("No such custom field.")
                }
                let fieldID = form["integration_field_id"].flatMap { $0.isEmpty ? nil : $0 }
                if let fieldID {
                    guard
                        let field = try await store.integrationField(
                            id: fieldID, integrationID: integration.id.description),
                        field.model == custom.model
                    else { throw APIError.invalidInput("Choose a field of \(custom.model) for '\(custom.key)'.") }
                }
                try await store.mapCustomField(customID, to: fieldID, integrationID: integration.id.description)
            }
        }
        // Each setting a registered tool declares (Personio: applicant attributes, career sites).
        let settingPaths = Set(connectors.tools.flatMap { connectors[$0]?.descriptor.settings.map(\.path) ?? [] })
        for path in settingPaths.sorted() {
            router.post("dashboard/integrations/:integration_id/\(path)") { request, context in
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
        guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
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
        guard let workspaceID = try await session.workspace(request) else { return Self.redirect("/dashboard") }
        let id = context.parameters.get("integration_id") ?? ""
        guard let integration = try await store.integration(id: id, workspaceID: workspaceID) else {
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
    static func notes(_ run: SyncRun) -> String {
        ([run.error].compactMap { $0 } + run.stats.warnings).map(HTML.escape).joined(separator: "<br>")
    }

    static func pathEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(.init(charactersIn: "/"))) ?? text
    }

    private func notFound() -> Response {
        HTML.response(
            HTML.page(
                title: "Not found", language: "en",
                body: "<h1>Integration not found</h1><p><a href=\"/dashboard\">Back to the dashboard</a></p>"),
            status: .notFound)
    }

    private func formToken(_ request: Request) -> String {
        "<input type=\"hidden\" name=\"form_token\" value=\"\(session.formToken(request))\">"
    }

    private func nav(_ request: Request) -> String {
        """
        <nav><a href="/dashboard">Integrations</a><a href="/dashboard#custom-fields">Custom fields</a>
        <form method="post" action="/dashboard/sign-out" class="inline">\(formToken(request))<button class="secondary small" id="sign-out">Sign out</button></form></nav>
        """
    }

    // MARK: - Pages

    private func signInPage(
        _ request: Request, error: String?, status: HTTPResponse.Status = .unauthorized
    ) -> Response {
        let nonce = session.signInNonce(request)
        var body = "<h1>Junction dashboard</h1><p class=\"muted\">Sign in with an API key of your workspace.</p>"
        if let error { body += "<p class=\"box error\" id=\"form-error\">\(HTML.escape(error))</p>" }
        body += """
            <form method="post" action="/dashboard/sign-in">
            <input type="hidden" name="sign_in_token" value="\(session.signInFormToken(nonce: nonce.value))">
            <label for="api_key">API key</label>
            <input id="api_key" name="api_key" type="password" autocomplete="off" required>
            <button type="submit" id="sign-in">Sign in</button>
            </form>
            """
        var headers: HTTPFields = [:]
        if let setCookie = nonce.setCookie { headers[.setCookie] = setCookie }
        return HTML.response(
            HTML.page(title: "Junction dashboard", language: "en", body: body),
            status: error == nil ? .ok : status, headers: headers)
    }

    private func overview(_ request: Request, workspaceID: String, error: String?) async throws -> Response {
        var body = nav(request) + "<h1>Integrations</h1>"
        if let error { body += "<p class=\"box error\" id=\"form-error\">\(HTML.escape(error))</p>" }
        body += """
            <table id="integrations"><tr><th>Integration</th><th>Organisation</th><th>Status</th><th>Setup</th>
            <th>Last sync</th><th>Records</th><th>Error or warning</th></tr>
            """
        for integration in try await store.integrations(workspaceID: workspaceID) {
            let id = integration.id.description
            let last = try await store.syncRuns(integrationID: id, limit: 1).first
            body += """
                <tr data-integration="\(HTML.escape(id))"><td><a href="/dashboard/integrations/\(Self.pathEscape(id))">\(HTML.escape(id))</a></td>
                <td>\(HTML.escape(integration.endUserOrganizationName))</td>
                <td><span class="pill">\(integration.status.rawValue)</span></td><td>\(integration.setupStatus.rawValue)</td>
                <td>\(last.map(Self.runSummary) ?? "never")</td><td>\(last.map(Self.counts) ?? "")</td>
                <td>\(last.map(Self.notes) ?? "")</td></tr>
                """
        }
        body +=
            "</table><h2>Connect flows</h2><table id=\"connect-flows\"><tr><th>Created</th><th>Kind</th><th>Organisation</th><th>State</th></tr>"
        for link in try await store.connectLinks(workspaceID: workspaceID, limit: 20) {
            let state =
                link.completedAt != nil
                ? "completed" : link.failure.map { "failed: " + $0 } ?? (link.isExpired() ? "expired" : "open")
            body += """
                <tr><td>\(Self.time(link.createdAt))</td><td>\(link.kind.rawValue)</td>
                <td>\(HTML.escape(link.endUserOrganizationName))</td><td>\(HTML.escape(state))</td></tr>
                """
        }
        body +=
            "</table><h2 id=\"webhooks\">Webhooks</h2><table id=\"webhook-list\"><tr><th>URL</th><th>Events</th><th>Added</th></tr>"
        for endpoint in try await store.webhookEndpoints(workspaceID: workspaceID) {
            body += """
                <tr><td><a href="/dashboard/webhooks/\(endpoint.id)">\(HTML.escape(endpoint.url))</a></td>
                <td>\(HTML.escape(endpoint.events?.joined(separator: ", ") ?? "all"))</td><td>\(Self.time(endpoint.createdAt))</td></tr>
                """
        }
        body += """
            </table>
            <form method="post" action="/dashboard/webhooks">\(formToken(request))
            <label for="webhook-url">Endpoint URL</label><input id="webhook-url" name="url" type="text" required>
            <button type="submit" id="add-webhook">Add webhook endpoint</button></form>
            """
        body += "<h2 id=\"custom-fields\">Custom fields</h2>"
        body +=
            "<p class=\"muted\">Keys your app reads from records' <code>custom_fields</code>; map them per integration.</p>"
        body += "<table id=\"custom-field-list\"><tr><th>Model</th><th>Key</th><th>Label</th></tr>"
        for field in try await store.customFields(workspaceID: workspaceID) {
            body +=
                "<tr><td>\(field.model)</td><td><code>\(HTML.escape(field.key))</code></td><td>\(HTML.escape(field.label ?? ""))</td></tr>"
        }
        body += """
            </table>
            <form method="post" action="/dashboard/custom-fields">\(formToken(request))
            <label for="cf-model">Model</label><select id="cf-model" name="model">
            \(FieldsController.models.map { "<option>\($0)</option>" }.joined())</select>
            <label for="cf-key">Key</label><input id="cf-key" name="key" type="text" required>
            <label for="cf-label">Label</label><input id="cf-label" name="label" type="text">
            <button type="submit" id="add-custom-field">Add custom field</button></form>
            """
        return HTML.response(HTML.page(title: "Junction dashboard", language: "en", body: body, wide: true))
    }

    private func integrationPage(_ request: Request, _ integration: Integration, error: String?) async throws
        -> Response
    {
        let id = integration.id.description
        let base = "/dashboard/integrations/\(Self.pathEscape(id))"
        var body = nav(request) + "<h1>\(HTML.escape(integration.endUserOrganizationName))</h1>"
        body += """
            <p class="muted"><code>\(HTML.escape(id))</code> · <span class="pill" id="status">\(integration.status.rawValue)</span>
            · setup \(integration.setupStatus.rawValue)</p>
            """
        if let error { body += "<p class=\"box error\" id=\"form-error\">\(HTML.escape(error))</p>" }
        for kind in ["FULL", "DELTA"] {
            body += """
                <form method="post" action="\(base)/sync" class="inline">\(formToken(request))
                <input type="hidden" name="type" value="\(kind)"><button type="submit" class="secondary">Sync \(kind.lowercased()) now</button></form>
                """
        }
        body +=
            "<h2>Sync runs</h2><table id=\"sync-runs\"><tr><th>Started</th><th>Type</th><th>Status</th><th>Duration</th><th>Records</th><th>Requests</th><th>Error or warning</th></tr>"
        for run in try await store.syncRuns(integrationID: id, limit: 20) {
            body += """
                <tr id="run-\(run.id)" data-run="\(run.id)"><td>\(Self.time(run.startedAt))</td><td>\(run.kind.rawValue)</td><td>\(run.status.rawValue)</td>
                <td>\(Self.duration(run))</td><td>\(Self.counts(run))</td><td>\(run.stats.requests)</td>
                <td class="run-notes">\(Self.notes(run))</td></tr>
                """
        }
        body +=
            "</table><h2>Writes and passthrough</h2><table id=\"activity\"><tr><th>When</th><th>Kind</th><th>Request</th><th>Status</th><th>ms</th><th>Error</th></tr>"
        for entry in try await store.activity(integrationID: id, limit: 50) {
            body += """
                <tr><td>\(Self.time(entry.createdAt))</td><td>\(entry.kind)</td>
                <td><code>\(HTML.escape(entry.method)) \(HTML.escape(entry.path))</code></td><td>\(entry.status)</td>
                <td>\(entry.durationMilliseconds)</td><td>\(HTML.escape(entry.error ?? ""))</td></tr>
                """
        }
        body += "</table>"
        body += try await explorer(request, integration, base: base)
        return HTML.response(
            HTML.page(title: integration.endUserOrganizationName, language: "en", body: body, wide: true))
    }

    /// An endpoint's deliveries, newest first, each with its attempts and a redelivery button.
    private func webhookPage(_ request: Request, _ endpoint: WebhookEndpoint) async throws -> Response {
        var body = nav(request) + "<h1>Webhook deliveries</h1><p><code>\(HTML.escape(endpoint.url))</code></p>"
        body +=
            "<table id=\"deliveries\"><tr><th>Created</th><th>Event</th><th>Integration</th><th>State</th><th>Attempts</th><th></th></tr>"
        for delivery in try await store.webhookDeliveries(
            endpointID: endpoint.id, workspaceID: endpoint.workspaceID, limit: 100)
        {
            let attempts = try await store.webhookAttempts(deliveryID: delivery.id).map { attempt in
                "#\(attempt.attempt) \(Self.time(attempt.attemptedAt)): \(attempt.status.map(String.init) ?? "–") \(attempt.error ?? "") (\(attempt.durationMilliseconds) ms)"
            }
            body += """
                <tr data-delivery="\(delivery.id)"><td>\(Self.time(delivery.createdAt))</td><td>\(HTML.escape(delivery.eventType))</td>
                <td>\(HTML.escape(delivery.integrationID ?? "–"))</td><td>\(delivery.state.rawValue)</td>
                <td class="muted">\(attempts.map(HTML.escape).joined(separator: "<br>"))</td>
                <td><form method="post" action="/dashboard/webhooks/\(endpoint.id)/deliveries/\(delivery.id)/redeliver">\(formToken(request))
                <button type="submit" class="secondary small">Redeliver</button></form></td></tr>
                """
        }
        body += "</table>"
        return HTML.response(HTML.page(title: "Webhook deliveries", language: "en", body: body, wide: true))
    }

    /// Fields per model with samples and passthrough switches, then the custom field mappings
    /// and the applicant attribute catalog.
    private func explorer(_ request: Request, _ integration: Integration, base: String) async throws -> String {
        let id = integration.id.description
        var fields: [IntegrationField] = []
        var after: String?
        repeat {
            let page = try await store.integrationFields(integrationID: id, after: after, limit: 2000)
            fields += page.fields
            after = page.nextAfter
        } while after != nil
        let mappings = try await store.customFieldMappings(integrationID: id)
        let customs = try await store.customFields(workspaceID: integration.workspaceID)
        var body = "<h2 id=\"explorer\">Custom field explorer</h2>"
        body +=
            "<p class=\"muted\">Every field path found in the synced payloads (the newest \(Store.fieldDiscoverySample) records per model).</p>"
        body +=
            "<h3>Custom field mappings</h3><table id=\"mappings\"><tr><th>Custom field</th><th>Model</th><th>Mapped to</th></tr>"
        for custom in customs {
            let options = fields.filter { $0.model == custom.model }.map { field in
                "<option value=\"\(field.id)\"\(mappings[custom.id]?.id == field.id ? " selected" : "")>\(HTML.escape(field.key))</option>"
            }.joined()
            body += """
                <tr><td><code>\(HTML.escape(custom.key))</code></td><td>\(custom.model)</td><td>
                <form method="post" action="\(base)/custom-fields/\(custom.id)">\(formToken(request))
                <select name="integration_field_id" id="map-\(HTML.escape(custom.key))"><option value="">(not mapped)</option>\(options)</select>
                <button type="submit" class="tight">Save</button></form></td></tr>
                """
        }
        body += "</table>"
        for model in FieldsController.models {
            body +=
                "<h3>\(model)</h3><table data-model=\"\(model)\"><tr><th>Field</th><th>Type</th><th>Set in</th><th>Samples</th><th>Passthrough</th></tr>"
            for field in fields where field.model == model {
                let enabled = field.passthroughEnabled
                body += """
                    <tr data-field="\(HTML.escape(field.key))"><td><code>\(HTML.escape(field.key))</code></td>
                    <td>\(field.valueTypes.joined(separator: ", "))</td><td>\(field.setCount) / \(field.recordCount)</td>
                    <td class="muted">\(HTML.escape(field.samples.prefix(3).joined(separator: ", ")))</td>
                    <td><form method="post" action="\(base)/fields/\(field.id)">\(formToken(request))
                    <input type="hidden" name="passthrough" value="\(enabled ? "0" : "1")">
                    <button type="submit" class="\(enabled ? "small" : "secondary small")">\(enabled ? "On" : "Off")</button></form></td></tr>
                    """
            }
            body += "</table>"
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        for setting in connectors[integration.id.tool]?.descriptor.settings ?? [] {
            let value = try? await ToolSettingsController.resolve(
                integration, setting.path, store: store, connectors: connectors)
            let current = value.flatMap { connector, credentials in
                try? connector.readSetting(setting.path, integration: integration, credentials: credentials)
            }
            let text = String(decoding: (try? encoder.encode(current ?? .array([]))) ?? Data("[]".utf8), as: UTF8.self)
            body += """
                <h3>\(HTML.escape(setting.title))</h3>
                <p class="muted">\(HTML.escape(setting.help))</p>
                <form method="post" action="\(base)/\(setting.path)">\(formToken(request))
                <textarea name="value" id="\(setting.path)" rows="8">\(HTML.escape(text))</textarea>
                <button type="submit">Save \(HTML.escape(setting.title.lowercased()))</button></form>
                """
        }
        return body
    }

    // MARK: - Formatting

    static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(
            of: "Z", with: " UTC")
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
