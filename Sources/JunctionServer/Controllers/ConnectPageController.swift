import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import JunctionStore
import Logging

/// The hosted connect page: the tool's guide and credential form, the credential test with a
/// fix for every failure, the tool's setup step, and the finish that creates (or relinks) the
/// integration and starts its first sync. Plain HTML forms from mustache templates: it works
/// without JavaScript. What is the tool's (guide, fields, checks, setup) comes from the link's
/// tool's `ConnectFlow`; the flow around it is the same for every tool. The link's token in the
/// path is the only authority; it is never logged.
struct ConnectPageController {
    let store: Store
    let connectors: ConnectorRegistry
    /// The server's public address, for the `log_url` of `connection-flow-failed`.
    let publicURL: String
    /// Origins that may frame the pages and receive the finished flow's token; empty means any.
    let embedOrigins: [String]
    /// Credential tests per link: a long-lived link must not become an unthrottled checker of
    /// a tool's credentials (nor a flood of `connection-flow-failed` webhooks).
    let tests: RateLimiter
    let logger: Logger

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("connect/:token") { request, context in
            try await page(request, context) { flow in
                flow.link.kind == .setup ? try await setupPage(flow, error: nil) : credentialsPage(flow, error: nil)
            }
        }
        router.post("connect/:token/test") { request, context in
            try await page(request, context) { flow in try await test(request, flow) }
        }
        router.get("connect/:token/source") { request, context in
            try await page(request, context) { flow in
                if flow.link.kind != .setup,
                    try await store.connectLinks.pendingCredentials(linkID: flow.link.id) == nil
                {
                    return credentialsPage(flow, error: nil)
                }
                return try await setupPage(flow, error: nil)
            }
        }
        router.post("connect/:token/finish") { request, context in
            try await page(request, context) { flow in try await finish(request, flow) }
        }
    }

    /// A link, the token it was opened with (forms post back to the same token), its tool's
    /// connector and the page's language.
    struct Flow {
        var link: ConnectLink
        var token: String
        var tool: Tool
        var label: String
        var connect: any ConnectFlow
        var text: ConnectPageText
        var language: String { text.language }
    }

    /// A rendered page: its HTML and status, and whether it runs the one script.
    struct Page {
        var html: String
        var status: HTTPResponse.Status = .ok
        var script = false
    }

    /// Loads the link, picks the language and the tool, and answers every dead end with a page
    /// (not JSON).
    private func page(
        _ request: Request, _ context: AppRequestContext, _ body: (Flow) async throws -> Page
    ) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let link = try await store.connectLinks.connectLink(token: token)
        let text = ConnectPageText.forLanguage(request.uri.queryParameters.get("lang") ?? link?.language)
        guard let link, let (tool, connector, connect) = connector(of: link) else {
            return notice(text.unknownTitle, text.unknownText, text, .notFound)
        }
        if link.completedAt != nil { return notice(text.completedTitle, text.completedText, text, .gone) }
        if link.isExpired() { return notice(text.expiredTitle, text.expiredText, text, .gone) }
        let flow = Flow(
            link: link, token: token, tool: tool, label: connector.descriptor.label, connect: connect, text: text)
        let page = try await body(flow)
        var response = HTML.response(
            page.html, status: page.status, frameAncestors: frameAncestors, script: page.script)
        if page.status == .tooManyRequests { response.headers[.retryAfter] = "60" }
        return response
    }

    /// The tool a link connects: the one it names, its integration's, or (links made before
    /// links named one) this server's one tool with a connect flow.
    private func connector(of link: ConnectLink) -> (Tool, any Connector, any ConnectFlow)? {
        let tool =
            link.tool ?? link.integrationID.flatMap { IntegrationID($0)?.tool }
            ?? connectors.tools.first { connectors[$0]?.connectFlow != nil }
        guard let tool, let connector = connectors[tool] else { return nil }
        // A link made for the sandbox goes only to the sandbox it was made for.
        let flow = link.sandboxURL.map { connector.sandboxConnectFlow(url: $0) } ?? connector.connectFlow
        guard let connect = flow else { return nil }
        return (tool, connector, connect)
    }

    private var frameAncestors: String { embedOrigins.isEmpty ? "*" : embedOrigins.joined(separator: " ") }

    private func notice(_ title: String, _ message: String, _ text: ConnectPageText, _ status: HTTPResponse.Status)
        -> Response
    {
        let page = noticePage(title, message, text, status)
        return HTML.response(page.html, status: page.status, frameAncestors: frameAncestors)
    }

    /// A page that only tells something (unknown, expired or finished link).
    private func noticePage(
        _ title: String, _ message: String, _ text: ConnectPageText, _ status: HTTPResponse.Status
    ) -> Page {
        struct Notice {
            var language: String
            var title: String
            var message: String
        }
        return Page(
            html: Templates.render(Notice(language: text.language, title: title, message: message), "notice"),
            status: status)
    }

    /// What every connect page's header shows: the title, a switch to each other language (back
    /// to this step, or to the form for the test's results, which are a POST answer) and whom
    /// the flow is for.
    struct Header {
        var language: String
        var title: String
        var languages: [LanguageLink]
        var organization: String
    }

    /// A link to the same page in another language.
    struct LanguageLink {
        var code: String
        var name: String
        var href: String
    }

    static func languageLinks(_ here: String, current: String) -> [LanguageLink] {
        ConnectPageText.all.filter { $0.language != current }.map {
            LanguageLink(code: $0.language, name: $0.name, href: "\(here)?lang=\($0.language)")
        }
    }

    private func header(_ flow: Flow, title: String, step: String? = nil) -> Header {
        let here = "/connect/\(flow.token)" + (step.map { "/" + $0 } ?? "")
        return Header(
            language: flow.language, title: title, languages: Self.languageLinks(here, current: flow.language),
            organization: flow.link.endUserOrganizationName)
    }

    private func action(_ flow: Flow, _ step: String) -> String {
        "/connect/\(flow.token)/\(step)?lang=\(flow.language)"
    }

    // MARK: - Step 1: guide and credentials

    private func credentialsPage(_ flow: Flow, error: String?, status: HTTPResponse.Status? = nil) -> Page {
        struct Context {
            var language, title: String
            var languages: [LanguageLink]
            var organization, intro, formTitle, action, testButton: String
            var sections: [ConnectGuide.Section]
            var fields: [FormField]
            var error: String?
        }
        let guide = flow.connect.guide(language: flow.language)
        let header = header(flow, title: guide.title)
        let context = Context(
            language: header.language, title: header.title, languages: header.languages,
            organization: header.organization,
            intro: flow.link.kind == .relink ? guide.relinkIntro : guide.intro, formTitle: guide.formTitle,
            action: action(flow, "test"), testButton: guide.testButton, sections: guide.sections, fields: guide.fields,
            error: error)
        return Page(
            html: Templates.render(context, "connect-credentials"), status: status ?? (error == nil ? .ok : .badRequest)
        )
    }

    // MARK: - Step 2: the credential test

    private func test(_ request: Request, _ flow: Flow) async throws -> Page {
        let link = flow.link
        guard link.kind != .setup else { return try await setupPage(flow, error: nil) }
        let form = try await HTML.form(request)
        if let wait = tests.retryAfter(link.id) {
            return credentialsPage(
                flow, error: flow.text.tooManyTests(max(1, (wait + 59) / 60), flow.label), status: .tooManyRequests)
        }
        tests.record(link.id)
        let report: CredentialReport
        switch await flow.connect.test(form, language: flow.language) {
        case .invalid(let message): return credentialsPage(flow, error: message)
        case .tested(let tested): report = tested
        }
        if let credentials = report.credentials {
            try await store.connectLinks.savePendingCredentials(
                linkID: link.id, credentials: credentials, scopeTest: report.record)
        } else {
            try await store.connectLinks.recordConnectFailure(
                linkID: link.id, failure: report.failure, scopeTest: report.record, now: Date(),
                events: [WebhookPayloads.connectionFlowFailed(link, logBaseURL: publicURL)])
            logger.notice(
                "connect flow failed its credential test",
                metadata: ["connect_link": "\(link.id)", "failure": "\(report.failure)"])
        }
        return resultsPage(flow, report)
    }

    private func resultsPage(_ flow: Flow, _ report: CredentialReport) -> Page {
        struct Context {
            var language, title: String
            var languages: [LanguageLink]
            var organization, summary, howToFix, retry, retryHref: String
            var checks: [CheckLine]
            var footnote: String?
            var continueHref: String?
            var continueLabel: String
        }
        let text = flow.text
        let header = header(flow, title: text.resultsTitle)
        let context = Context(
            language: header.language, title: header.title, languages: header.languages,
            organization: header.organization, summary: report.summary,
            howToFix: text.howToFix, retry: text.retry, retryHref: "/connect/\(flow.token)?lang=\(flow.language)",
            checks: report.checks, footnote: report.footnote,
            continueHref: report.canConnect ? action(flow, "source") : nil,
            continueLabel: report.partial ? text.continueWithWhatWorks : text.continueButton)
        return Page(html: Templates.render(context, "connect-results"))
    }

    // MARK: - Step 3: the tool's setup step

    private func setupPage(_ flow: Flow, error: String?) async throws -> Page {
        struct Skip {
            var name, label: String
        }
        struct Context {
            var language, title: String
            var languages: [LanguageLink]
            var organization, intro, action, finishButton: String
            var setupIntro: String?
            var points: [String]
            var fields: [FormField]
            var skip: Skip?
            var error: String?
        }
        let link = flow.link
        var settings: [String: JSONValue]?
        if let id = link.integrationID,
            let integration = try await store.integrations.integration(id: id, workspaceID: link.workspaceID)
        {
            settings = integration.settings
        }
        guard let step = flow.connect.setupStep(language: flow.language, settings: settings) else {
            return try await finish(flow, form: [:])
        }
        let header = header(flow, title: step.title, step: link.kind == .setup ? nil : "source")
        let context = Context(
            language: header.language, title: header.title, languages: header.languages,
            organization: header.organization, intro: step.intro,
            action: action(flow, "finish"), finishButton: flow.text.finishButton,
            setupIntro: link.kind == .setup ? step.setupIntro : nil, points: step.points, fields: step.fields,
            skip: step.skip.map { Skip(name: $0.name, label: $0.label) }, error: error)
        return Page(html: Templates.render(context, "connect-setup"), status: error == nil ? .ok : .badRequest)
    }

    // MARK: - Step 4: finish

    private func finish(_ request: Request, _ flow: Flow) async throws -> Page {
        try await finish(flow, form: try await HTML.form(request))
    }

    private func finish(_ flow: Flow, form: [String: String]) async throws -> Page {
        let link = flow.link
        var pending: Data?
        if link.kind != .setup {
            guard let data = try await store.connectLinks.pendingCredentials(linkID: link.id) else {
                return credentialsPage(flow, error: nil)
            }
            pending = data
        }
        // The integration a relink or setup link changes; a create link starts from nothing.
        var existing: Integration?
        if link.kind != .create {
            guard let id = link.integrationID,
                let integration = try await store.integrations.integration(id: id, workspaceID: link.workspaceID)
            else {
                return noticePage(flow.text.unknownTitle, flow.text.unknownText, flow.text, .gone)
            }
            existing = integration
        }
        // The setup step is applied once, to a copy: a bad value changes nothing.
        var settings = existing?.settings ?? [:]
        if let error = flow.connect.applySetup(form, to: &settings, language: flow.language) {
            return try await setupPage(flow, error: error)
        }
        if link.kind != .setup, let record = link.scopeTest { flow.connect.keep(testRecord: record, in: &settings) }
        let integrationID: String
        if var integration = existing {
            integrationID = integration.id.description
            integration.settings = settings
            try await store.integrations.setSettings(
                settings, integrationID: integrationID, workspaceID: link.workspaceID)
            if link.kind == .relink, let data = pending {
                try await store.integrations.replaceCredentials(
                    integrationID: integrationID, workspaceID: link.workspaceID, credentials: data)
                if integration.status == .invalid {
                    integration.status = .active
                    try await store.integrations.setStatus(
                        .active, integrationID: integrationID, workspaceID: link.workspaceID,
                        events: [WebhookPayloads.stateChanged(integration)])
                }
                await connectors[flow.tool]?.forget(integrationID: integrationID)
                _ = try await store.syncRuns.requestSync(integrationID: integrationID, kind: .delta, now: Date())
            }
        } else {
            guard let data = pending else { return credentialsPage(flow, error: nil) }
            let integration = Integration(
                id: IntegrationID(tool: flow.tool), workspaceID: link.workspaceID, setupStatus: .finalSyncPending,
                endUserOrganizationName: link.endUserOrganizationName, endUserEmail: link.endUserEmail,
                endUserOriginID: link.endUserOriginID, settings: settings)
            try await store.integrations.createIntegration(
                integration, credentials: data, events: [WebhookPayloads.integrationCreated(integration)])
            integrationID = integration.id.description
            _ = try await store.syncRuns.requestSync(integrationID: integrationID, kind: .full, now: Date())
        }
        let activation = try await store.connectLinks.completeConnectLink(
            linkID: link.id, integrationID: integrationID, now: Date())
        logger.info(
            "connect flow finished",
            metadata: [
                "connect_link": "\(link.id)", "integration": "\(integrationID)", "kind": "\(link.kind.rawValue)",
            ])
        return donePage(flow, activation: activation)
    }

    private func donePage(_ flow: Flow, activation: String) -> Page {
        struct Context {
            var language, title, message, tokenLabel, targets, activation: String
        }
        // The one script (a file, so the page's CSP allows no inline script): an embedded flow
        // hands the token to the app's page that opened or framed it, as Kombo Connect does;
        // only to the configured embedding origins when there are any. Without JavaScript the
        // token is on the page.
        let text = flow.text
        let context = Context(
            language: text.language, title: text.doneTitle(flow.label),
            message: flow.link.kind == .setup ? text.doneSetupText : text.doneText, tokenLabel: text.doneTokenLabel,
            targets: embedOrigins.isEmpty ? "*" : embedOrigins.joined(separator: " "), activation: activation)
        return Page(html: Templates.render(context, "connect-done"), script: true)
    }
}
