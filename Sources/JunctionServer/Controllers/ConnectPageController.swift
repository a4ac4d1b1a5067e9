import Foundation
import HTTPTypes
import Hummingbird
import JunctionModel
import JunctionStore
import Logging
import Personio

/// What the hosted connect page needs from the store.
public protocol ConnectFlowStore: IntegrationDirectory {
    func connectLink(token: String) async throws -> ConnectLink?
    func savePendingCredentials(linkID: String, credentials: Data, scopeTest: JSONValue) async throws
    func pendingCredentials(linkID: String) async throws -> Data?
    func recordConnectFailure(
        linkID: String, failure: String, scopeTest: JSONValue?, now: Date, events: [WebhookEvent]) async throws
    func completeConnectLink(linkID: String, integrationID: String, now: Date) async throws -> String
    func createIntegration(_ integration: Integration, credentials: Data, events: [WebhookEvent]) async throws
    func replaceCredentials(integrationID: String, workspaceID: String, credentials: Data) async throws
    func setSettings(_ settings: [String: JSONValue], integrationID: String, workspaceID: String) async throws
    func setStatus(_ status: IntegrationStatus, integrationID: String, workspaceID: String, events: [WebhookEvent])
        async throws
    func requestSync(integrationID: String, kind: SyncRun.Kind, now: Date) async throws
        -> (alreadyQueued: Bool, syncID: String)
}

extension Store: ConnectFlowStore {}

/// The hosted connect page: the connection guide, the credentials form, the scope test with
/// a fix for every failure, the source channel step, and the finish that creates (or relinks)
/// the integration and starts its first sync. Plain HTML forms: it works without JavaScript.
/// The link's token in the path is the only authority; it is never logged.
struct ConnectPageController {
    let store: any ConnectFlowStore
    let tester: any CredentialTester
    /// Forgets a relinked integration's cached client, so the new credentials take effect.
    let forget: @Sendable (String) async -> Void
    /// Where connect flows reach Personio instead of its own hosts (operator setting).
    let personioBaseURL: String?
    /// The server's public address, for the `log_url` of `connection-flow-failed`.
    let publicURL: String
    /// Origins that may frame the pages and receive the finished flow's token; empty means any.
    let embedOrigins: [String]
    /// Credential tests per link: a long-lived link must not become an unthrottled checker of
    /// Personio credentials (nor a flood of `connection-flow-failed` webhooks).
    let tests: RateLimiter
    let logger: Logger

    /// Scope-test results an integration keeps in its settings (for `is_available`).
    static let scopeTestSettingsKey = PersonioTool.scopeTestSettingsKey

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("connect/:token") { request, context in
            try await page(request, context) { flow, text in
                flow.link.kind == .setup
                    ? try await sourcePage(flow, text, error: nil) : credentialsPage(flow, text, error: nil)
            }
        }
        router.post("connect/:token/test") { request, context in
            try await page(request, context) { flow, text in try await test(request, flow, text) }
        }
        router.get("connect/:token/source") { request, context in
            try await page(request, context) { flow, text in
                if flow.link.kind != .setup, try await store.pendingCredentials(linkID: flow.link.id) == nil {
                    return credentialsPage(flow, text, error: nil)
                }
                return try await sourcePage(flow, text, error: nil)
            }
        }
        router.post("connect/:token/finish") { request, context in
            try await page(request, context) { flow, text in try await finish(request, flow, text) }
        }
    }

    /// Loads the link, picks the language, and answers every dead end with a page (not JSON).
    private func page(
        _ request: Request, _ context: AppRequestContext,
        _ body: (Flow, ConnectText) async throws -> (String, HTTPResponse.Status)
    ) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let link = try await store.connectLink(token: token)
        let text = ConnectText.forLanguage(request.uri.queryParameters.get("lang") ?? link?.language)
        guard let link else { return notice(text.unknownTitle, text.unknownText, text, .notFound) }
        if link.completedAt != nil { return notice(text.completedTitle, text.completedText, text, .gone) }
        if link.isExpired() { return notice(text.expiredTitle, text.expiredText, text, .gone) }
        let (html, status) = try await body(Flow(link: link, token: token), text)
        var response = HTML.response(
            html, status: status, frameAncestors: frameAncestors, script: html.contains(HTML.connectDoneScript))
        if status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        return response
    }

    private var frameAncestors: String { embedOrigins.isEmpty ? "*" : embedOrigins.joined(separator: " ") }

    private func notice(_ title: String, _ message: String, _ text: ConnectText, _ status: HTTPResponse.Status)
        -> Response
    {
        HTML.response(
            HTML.page(
                title: title, language: text.language,
                body: "<h1>\(HTML.escape(title))</h1><p class=\"muted\">\(HTML.escape(message))</p>"),
            status: status, frameAncestors: frameAncestors)
    }

    // MARK: - Step 1: guide and credentials

    private func credentialsPage(_ flow: Flow, _ text: ConnectText, error: String?) -> (
        String, HTTPResponse.Status
    ) {
        let link = flow.link
        let intro = link.kind == .relink ? text.relinkIntro : text.intro
        var body = header(flow, text, title: text.title) + "<p>\(HTML.escape(intro))</p>"
        body += "<h2>\(HTML.escape(text.prerequisitesTitle))</h2><ul>"
        body += text.prerequisites.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        body += "<h2>\(HTML.escape(text.credentialsTitle))</h2><ol class=\"steps\">"
        body += text.credentialSteps.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ol>"
        body += "<h2>\(HTML.escape(text.formTitle))</h2>"
        if let error { body += "<p class=\"box error\" id=\"form-error\">\(HTML.escape(error))</p>" }
        body += """
            <form method="post" action="\(action(flow, "test"))?lang=\(text.language)">
            \(field("client_id", text.clientID, type: "text", required: true))
            \(field("client_secret", text.clientSecret, type: "password", required: true, hint: text.secretHint))
            \(field("recruiting_api_key", text.recruitingKey, type: "password", hint: text.recruitingKeyHint))
            \(field("company_id", text.companyID, type: "text"))
            \(field("career_subdomain", text.subdomain, type: "text", hint: text.subdomainHint))
            <button type="submit" id="test">\(HTML.escape(text.testButton))</button>
            </form>
            """
        return (HTML.page(title: text.title, language: text.language, body: body), error == nil ? .ok : .badRequest)
    }

    private func field(_ name: String, _ label: String, type: String, required: Bool = false, hint: String? = nil)
        -> String
    {
        """
        <label for="\(name)">\(HTML.escape(label))\(hint.map { "<p class=\"hint\">\(HTML.escape($0))</p>" } ?? "")</label>
        <input id="\(name)" name="\(name)" type="\(type)" autocomplete="off" spellcheck="false"\(required ? " required" : "")>
        """
    }

    /// The page's title with a switch to the other language (back to this step, or to the
    /// form for the test's results, which are a POST answer).
    private func header(_ flow: Flow, _ text: ConnectText, title: String, step: String? = nil) -> String {
        let link = flow.link
        let other = text.language == "de" ? ("en", "English") : ("de", "Deutsch")
        let here = "/connect/\(HTML.escape(flow.token))" + (step.map { "/" + $0 } ?? "")
        return """
            <a class="lang" id="switch-language" href="\(here)?lang=\(other.0)">\(other.1)</a>
            <h1>\(HTML.escape(title))</h1>
            <p class="muted">\(HTML.escape(link.endUserOrganizationName))</p>
            """
    }

    private func action(_ flow: Flow, _ step: String) -> String {
        "/connect/\(HTML.escape(flow.token))/\(step)"
    }

    // MARK: - Step 2: scope test

    private func test(_ request: Request, _ flow: Flow, _ text: ConnectText) async throws -> (
        String, HTTPResponse.Status
    ) {
        let link = flow.link
        guard link.kind != .setup else { return try await sourcePage(flow, text, error: nil) }
        let form = try await HTML.form(request)
        func value(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        if let wait = tests.retryAfter(link.id) {
            let (html, _) = credentialsPage(flow, text, error: text.tooManyTests(max(1, (wait + 59) / 60)))
            return (html, .tooManyRequests)
        }
        tests.record(link.id)
        guard let clientID = value("client_id") else {
            return credentialsPage(flow, text, error: text.missingField(text.clientID))
        }
        guard let secret = value("client_secret") else {
            return credentialsPage(flow, text, error: text.missingField(text.clientSecret))
        }
        // One or more career sites (the account's own, each legal entity's), each a subdomain on
        // jobs.personio.de or jobs.personio.com: never a free URL.
        var sites: [CareerSite] = []
        if let entered = value("career_subdomain") {
            guard let parsed = CareerSite.parseList(entered), !parsed.isEmpty else {
                return credentialsPage(flow, text, error: text.invalidSubdomain)
            }
            sites = parsed
        }
        let companyID = value("company_id")
        if let companyID, !companyID.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return credentialsPage(flow, text, error: text.invalidCompanyID)
        }
        let credentials = PersonioCredentials(
            clientID: clientID, clientSecret: secret, recruitingAPIKey: value("recruiting_api_key"),
            companyID: companyID, careerSubdomain: sites.first?.subdomain, apiBaseURL: personioBaseURL,
            careerSiteBaseURL: sites.isEmpty ? nil : personioBaseURL, careerSites: sites.isEmpty ? nil : sites)
        let result = await tester.run(credentials, now: Date())
        let resultJSON = try Self.json(result)
        if result.canConnect {
            try await store.savePendingCredentials(
                linkID: link.id, credentials: try JSONEncoder().encode(credentials), scopeTest: resultJSON)
        } else {
            let failure = result.failed.map { "\($0.id.rawValue): \($0.detail)" }.joined(separator: "; ")
            try await store.recordConnectFailure(
                linkID: link.id, failure: failure, scopeTest: resultJSON, now: Date(),
                events: [WebhookPayloads.connectionFlowFailed(link, logBaseURL: publicURL)])
            logger.notice(
                "connect flow failed its scope test",
                metadata: ["connect_link": "\(link.id)", "failure": "\(failure)"])
        }
        return (resultsPage(flow, text, result), .ok)
    }

    private func resultsPage(_ flow: Flow, _ text: ConnectText, _ result: ScopeTestResult) -> String {
        var body = header(flow, text, title: text.resultsTitle)
        let summary =
            !result.canConnect
            ? text.resultsTokenFailed : result.failed.isEmpty ? text.resultsAllPassed : text.resultsSomeFailed
        body += "<p id=\"summary\">\(HTML.escape(summary))</p><ul class=\"checks\" id=\"checks\">"
        for check in result.checks {
            guard let words = text.checks[check.id] else { continue }
            body += """
                <li data-check="\(check.id.rawValue)" data-status="\(check.status.rawValue)">
                <span class="\(check.status.rawValue)">\(HTML.escape(text.status[check.status] ?? check.status.rawValue))</span>
                · <strong>\(HTML.escape(words.title))</strong> <span class="muted">— \(HTML.escape(words.enables))</span>
                """
            // A check per career site: say which site each is about.
            if check.id == .careerFeed, check.status == .passed {
                body += "<p class=\"muted\">\(HTML.escape(check.detail))</p>"
            }
            if check.status == .failed {
                body += """
                    <p class="fix">\(HTML.escape(words.missing)) <span class="muted">(\(HTML.escape(check.detail)))</span></p>
                    <p class="fix"><strong>\(HTML.escape(text.howToFix)):</strong> \(HTML.escape(words.fix))</p>
                    """
            }
            body += "</li>"
        }
        body += "</ul>"
        if let scopes = result.grantedScopes {
            body +=
                "<p class=\"muted\">\(HTML.escape(text.grantedScopes)): <code>\(HTML.escape(scopes.joined(separator: " ")))</code></p>"
        }
        body +=
            "<p><a class=\"button secondary\" id=\"retry\" href=\"/connect/\(HTML.escape(flow.token))?lang=\(text.language)\">\(HTML.escape(text.retry))</a> "
        if result.canConnect {
            let label = result.failed.isEmpty ? text.continueButton : text.continueWithWhatWorks
            body +=
                "<a class=\"button\" id=\"continue\" href=\"\(action(flow, "source"))?lang=\(text.language)\">\(HTML.escape(label))</a>"
        }
        body += "</p>"
        return HTML.page(title: text.resultsTitle, language: text.language, body: body)
    }

    // MARK: - Step 3: source channel

    private func sourcePage(_ flow: Flow, _ text: ConnectText, error: String?) async throws -> (
        String, HTTPResponse.Status
    ) {
        let link = flow.link
        var current: RecruitingChannel?
        if let id = link.integrationID,
            let integration = try await store.integration(id: id, workspaceID: link.workspaceID),
            let catalog = try? RecruitingChannel.catalog(settings: integration.settings), let chosen = catalog.default
        {
            current = catalog.channels.first { $0.id == chosen } ?? RecruitingChannel(id: chosen, name: "")
        }
        var body = header(flow, text, title: text.sourceTitle, step: link.kind == .setup ? nil : "source")
        if link.kind == .setup { body += "<p>\(HTML.escape(text.setupIntro))</p>" }
        body += "<p>\(HTML.escape(text.sourceIntro))</p><div class=\"box\"><ul>"
        body += text.sourceAddChannel.map { "<li>\(HTML.escape($0))</li>" }.joined()
        body += "<li>\(HTML.escape(text.sourceViewing))</li></ul></div>"
        if let error { body += "<p class=\"box error\" id=\"form-error\">\(HTML.escape(error))</p>" }
        body += """
            <form method="post" action="\(action(flow, "finish"))?lang=\(text.language)">
            <label for="channel_id">\(HTML.escape(text.channelID))</label>
            <input id="channel_id" name="channel_id" type="text" inputmode="numeric" value="\(current.map { String($0.id) } ?? "")">
            <label for="channel_name">\(HTML.escape(text.channelName))</label>
            <input id="channel_name" name="channel_name" type="text" value="\(HTML.escape(current?.name ?? ""))">
            <label><input type="checkbox" name="no_channel" id="no_channel" value="1"> \(HTML.escape(text.noChannel))</label>
            <button type="submit" id="finish">\(HTML.escape(text.finishButton))</button>
            </form>
            """
        return (
            HTML.page(title: text.sourceTitle, language: text.language, body: body), error == nil ? .ok : .badRequest
        )
    }

    // MARK: - Step 4: finish

    private func finish(_ request: Request, _ flow: Flow, _ text: ConnectText) async throws -> (
        String, HTTPResponse.Status
    ) {
        let link = flow.link
        let form = try await HTML.form(request)
        var channel: RecruitingChannel?
        if form["no_channel"] == nil {
            let id = form["channel_id"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let name = form["channel_name"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if !id.isEmpty || !name.isEmpty {
                guard let number = Int(id), number > 0, !name.isEmpty else {
                    return try await sourcePage(flow, text, error: text.invalidChannel)
                }
                channel = RecruitingChannel(id: number, name: name)
            }
        }
        var pending: (PersonioCredentials, Data)?
        if link.kind != .setup {
            guard let data = try await store.pendingCredentials(linkID: link.id) else {
                return credentialsPage(flow, text, error: nil)
            }
            pending = (try JSONDecoder().decode(PersonioCredentials.self, from: data), data)
        }
        let integrationID: String
        switch link.kind {
        case .create:
            guard let (_, data) = pending else { return credentialsPage(flow, text, error: nil) }
            var settings: [String: JSONValue] = [:]
            apply(channel, scopeTest: link.scopeTest, to: &settings)
            let integration = Integration(
                id: IntegrationID(tool: .personio), workspaceID: link.workspaceID, setupStatus: .finalSyncPending,
                endUserOrganizationName: link.endUserOrganizationName, endUserEmail: link.endUserEmail,
                endUserOriginID: link.endUserOriginID, settings: settings)
            try await store.createIntegration(
                integration, credentials: data, events: [WebhookPayloads.integrationCreated(integration)])
            integrationID = integration.id.description
            _ = try await store.requestSync(integrationID: integrationID, kind: .full, now: Date())
        case .relink, .setup:
            guard let id = link.integrationID,
                var integration = try await store.integration(id: id, workspaceID: link.workspaceID)
            else {
                let body = "<h1>\(HTML.escape(text.unknownTitle))</h1><p>\(HTML.escape(text.unknownText))</p>"
                return (HTML.page(title: text.unknownTitle, language: text.language, body: body), .gone)
            }
            integrationID = id
            apply(channel, scopeTest: link.kind == .relink ? link.scopeTest : nil, to: &integration.settings)
            try await store.setSettings(integration.settings, integrationID: id, workspaceID: link.workspaceID)
            if link.kind == .relink, let (_, data) = pending {
                try await store.replaceCredentials(integrationID: id, workspaceID: link.workspaceID, credentials: data)
                if integration.status == .invalid {
                    var changed = integration
                    changed.status = .active
                    try await store.setStatus(
                        .active, integrationID: id, workspaceID: link.workspaceID,
                        events: [WebhookPayloads.stateChanged(changed)])
                }
                await forget(id)
                _ = try await store.requestSync(integrationID: id, kind: .delta, now: Date())
            }
        }
        let activation = try await store.completeConnectLink(linkID: link.id, integrationID: integrationID, now: Date())
        logger.info(
            "connect flow finished",
            metadata: [
                "connect_link": "\(link.id)", "integration": "\(integrationID)", "kind": "\(link.kind.rawValue)",
            ])
        return (donePage(link, text, activation: activation, integrationID: integrationID), .ok)
    }

    private func apply(_ channel: RecruitingChannel?, scopeTest: JSONValue?, to settings: inout [String: JSONValue]) {
        if let channel {
            var channels = (try? RecruitingChannel.catalog(settings: settings).channels) ?? []
            channels.removeAll { $0.id == channel.id }
            channels.append(channel)
            settings[RecruitingChannel.settingsKey] = .array(
                channels.map { .object(["id": .number(Double($0.id)), "name": .string($0.name)]) })
            settings[RecruitingChannel.defaultSettingsKey] = .number(Double(channel.id))
        } else {
            settings[RecruitingChannel.defaultSettingsKey] = nil
        }
        if let scopeTest { settings[Self.scopeTestSettingsKey] = scopeTest }
    }

    private func donePage(_ link: ConnectLink, _ text: ConnectText, activation: String, integrationID: String) -> String
    {
        let message = link.kind == .setup ? text.doneSetupText : text.doneText
        // The one script (a file, so the page's CSP allows no inline script): an embedded flow
        // hands the token to the app's page that opened or framed it, as Kombo Connect does;
        // only to the configured embedding origins when there are any. Without JavaScript the
        // token is on the page.
        let targets = embedOrigins.isEmpty ? "*" : embedOrigins.joined(separator: " ")
        return HTML.page(
            title: text.doneTitle, language: text.language,
            body: """
                <h1 id="done">\(HTML.escape(text.doneTitle))</h1>
                <p>\(HTML.escape(message))</p>
                <p class="muted">\(HTML.escape(text.doneTokenLabel))</p>
                <p id="activation" data-targets="\(HTML.escape(targets))"><code id="activation-token">\(HTML.escape(activation))</code></p>
                \(HTML.connectDoneScript)
                """)
    }

    static func json(_ result: ScopeTestResult) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return try JSONDecoder().decode(JSONValue.self, from: encoder.encode(result))
    }
}

/// A link and the token it was opened with (forms post back to the same token).
struct Flow {
    var link: ConnectLink
    var token: String
}
