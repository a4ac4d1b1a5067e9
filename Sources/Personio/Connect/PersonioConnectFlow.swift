import Foundation
import JunctionConnectors
import JunctionModel

/// Personio's part of the hosted connect page: the guide to creating API credentials, the form
/// (client id and secret, Recruiting API key and company id, career sites), a scope test that
/// changes nothing in Personio, and the source channel step.
struct PersonioConnectFlow: ConnectFlow {
    let tester: ScopeTester
    /// Where connect flows reach Personio instead of its own hosts (an operator's sandbox or proxy).
    let baseURL: String?
    /// For a link to this server's sandbox: the sandbox's credentials, by form field, filled in.
    var prefill: [String: String]? = nil

    func guide(language: String) -> ConnectGuide {
        let text = PersonioConnectText.forLanguage(language)
        return ConnectGuide(
            language: text.language, title: text.title, intro: prefill == nil ? text.intro : text.sandboxIntro,
            relinkIntro: text.relinkIntro,
            sections: [
                .init(title: text.prerequisitesTitle, items: text.prerequisites, numbered: false),
                .init(title: text.credentialsTitle, items: text.credentialSteps, numbered: true),
            ],
            formTitle: text.formTitle,
            fields: [
                FormField(name: "client_id", label: text.clientID, required: true),
                FormField(
                    name: "client_secret", label: text.clientSecret, type: "password", required: true,
                    hint: text.secretHint),
                FormField(
                    name: "recruiting_api_key", label: text.recruitingKey, type: "password",
                    hint: text.recruitingKeyHint),
                FormField(name: "company_id", label: text.companyID),
                FormField(name: "career_subdomain", label: text.subdomain, hint: text.subdomainHint),
            ],
            testButton: text.testButton
        ).filled(with: prefill)
    }

    /// The guide on its own page: prerequisites, creating the credentials, the XML feed and the
    /// source channel, with what the connection test checks.
    func connectionGuide(language: String) -> ConnectGuide {
        let text = PersonioConnectText.forLanguage(language)
        var guide = guide(language: language)
        let checks = ScopeCheck.ID.allCases.compactMap { id in
            text.checks[id].map { "\($0.title): \($0.enables)" }
        }
        guide.sections += [
            .init(title: text.feedTitle, items: text.feedSteps, numbered: false),
            .init(
                title: text.sourceTitle, items: [text.sourceIntro] + text.sourceAddChannel + [text.sourceViewing],
                numbered: false),
            .init(title: text.checksTitle, items: checks, numbered: false),
        ]
        return guide
    }

    func test(_ form: [String: String], language: String) async -> CredentialTestOutcome {
        let text = PersonioConnectText.forLanguage(language)
        func value(_ name: String) -> String? {
            form[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        guard let clientID = value("client_id") else { return .invalid(text.missingField(text.clientID)) }
        guard let secret = value("client_secret") else { return .invalid(text.missingField(text.clientSecret)) }
        // One or more career sites (the account's own, each legal entity's), each a subdomain on
        // jobs.personio.de or jobs.personio.com: never a free URL.
        var sites: [CareerSite] = []
        if let entered = value("career_subdomain") {
            guard let parsed = CareerSite.parseList(entered), !parsed.isEmpty else {
                return .invalid(text.invalidSubdomain)
            }
            sites = parsed
        }
        let companyID = value("company_id")
        if let companyID, !companyID.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return .invalid(text.invalidCompanyID)
        }
        let credentials = PersonioCredentials(
            clientID: clientID, clientSecret: secret, recruitingAPIKey: value("recruiting_api_key"),
            companyID: companyID, careerSubdomain: sites.first?.subdomain, apiBaseURL: baseURL,
            careerSiteBaseURL: sites.isEmpty ? nil : baseURL, careerSites: sites.isEmpty ? nil : sites)
        let result = await tester.run(credentials, now: Date())
        return .tested(Self.report(result, credentials: credentials, text: text))
    }

    static func report(_ result: ScopeTestResult, credentials: PersonioCredentials, text: PersonioConnectText)
        -> CredentialReport
    {
        let summary =
            !result.canConnect
            ? text.resultsTokenFailed : result.failed.isEmpty ? text.resultsAllPassed : text.resultsSomeFailed
        let checks = result.checks.compactMap { check -> CheckLine? in
            guard let words = text.checks[check.id] else { return nil }
            let failed = check.status == .failed
            return CheckLine(
                id: check.id.rawValue, status: check.status.rawValue,
                statusLabel: text.status[check.status] ?? check.status.rawValue, title: words.title,
                enables: words.enables,
                // A check per career site: say which site each is about.
                note: check.id == .careerFeed && check.status == .passed ? check.detail : nil,
                missing: failed ? words.missing : nil, detail: failed ? check.detail : nil,
                fix: failed ? words.fix : nil)
        }
        return CredentialReport(
            credentials: result.canConnect ? try? JSONEncoder().encode(credentials) : nil, record: record(result),
            summary: summary, checks: checks,
            footnote: result.grantedScopes.map { "\(text.grantedScopes): \($0.joined(separator: " "))" },
            partial: !result.failed.isEmpty,
            failure: result.failed.map { "\($0.id.rawValue): \($0.detail)" }.joined(separator: "; "))
    }

    static func record(_ result: ScopeTestResult) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(result)).flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) } ?? .null
    }

    func setupStep(language: String, settings: [String: JSONValue]?) -> SetupStep? {
        let text = PersonioConnectText.forLanguage(language)
        var current: RecruitingChannel?
        if let settings, let catalog = try? RecruitingChannel.catalog(settings: settings), let chosen = catalog.default
        {
            current = catalog.channels.first { $0.id == chosen } ?? RecruitingChannel(id: chosen, name: "")
        }
        return SetupStep(
            title: text.sourceTitle, setupIntro: text.setupIntro, intro: text.sourceIntro,
            points: text.sourceAddChannel + [text.sourceViewing],
            fields: [
                FormField(
                    name: "channel_id", label: text.channelID, value: current.map { String($0.id) } ?? "",
                    inputMode: "numeric"),
                FormField(name: "channel_name", label: text.channelName, value: current?.name ?? ""),
            ],
            skip: (name: "no_channel", label: text.noChannel))
    }

    func applySetup(_ form: [String: String], to settings: inout [String: JSONValue], language: String) -> String? {
        var channel: RecruitingChannel?
        if form["no_channel"] == nil {
            let id = form["channel_id"]?.trimmingCharacters(in: .whitespaces) ?? ""
            let name = form["channel_name"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if !id.isEmpty || !name.isEmpty {
                guard let number = Int(id), number > 0, !name.isEmpty else {
                    return PersonioConnectText.forLanguage(language).invalidChannel
                }
                channel = RecruitingChannel(id: number, name: name)
            }
        }
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
        return nil
    }

    func keep(testRecord: JSONValue, in settings: inout [String: JSONValue]) {
        settings[PersonioTool.scopeTestSettingsKey] = testRecord
    }
}

extension ConnectGuide {
    /// The guide with `values` in its form's fields (a sandbox's credentials).
    func filled(with values: [String: String]?) -> ConnectGuide {
        guard let values else { return self }
        var guide = self
        for index in guide.fields.indices {
            if let value = values[guide.fields[index].name] { guide.fields[index].value = value }
        }
        return guide
    }
}
