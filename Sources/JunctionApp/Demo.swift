import AsyncHTTPClient
import Foundation
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionSync
import Logging
import Personio
import PersonioSandbox

/// The demo a new user gets: an integration connected to a Personio sandbox that this process
/// serves, synced at start, so `junction serve` on an empty database has real data at once.
enum Demo {
    static let settingKey = "demo"
    /// The demo sandbox's size and reference date, kept so every start serves the same data.
    static let sandboxKey = "demo_sandbox"

    static func credentials(port: Int) -> PersonioCredentials {
        let sandbox = SandboxConfiguration()
        let base = "http://127.0.0.1:\(port)"
        return PersonioCredentials(
            clientID: sandbox.clients[0].id, clientSecret: sandbox.clients[0].secret,
            recruitingAPIKey: sandbox.recruitingAPIKey, companyID: sandbox.companyID,
            careerSubdomain: sandbox.careerSubdomain, apiBaseURL: base, careerSiteBaseURL: base)
    }

    /// The workspace's demo integration: created when the workspace was created just now,
    /// found again on later starts; nil when there is none.
    static func integration(
        store: Store, bootstrap: BootstrapOutcome, configuration: JunctionConfiguration
    ) async throws -> Integration? {
        let existing = try await store.integrations.integrations(workspaceID: bootstrap.workspace.id)
            .first { $0.settings[settingKey] == .bool(true) }
        if let existing { return existing }
        guard bootstrap.createdWorkspace else { return nil }
        var sandbox = SandboxConfiguration()
        if let jobs = configuration.demoJobs { sandbox.jobs = jobs }
        if let candidates = configuration.demoCandidates { sandbox.candidates = candidates }
        let integration = Integration(
            id: IntegrationID(tool: .personio), workspaceID: bootstrap.workspace.id,
            endUserOrganizationName: "Demo company (Personio sandbox)",
            settings: [
                settingKey: .bool(true), ApplicantAttribute.settingsKey: try attributeSettings(sandbox),
                TagSettings.settingsKey: .array(sandbox.tags.map(JSONValue.string)),
                RecruitingChannel.settingsKey: .array(
                    sandbox.recruitingChannels.map {
                        .object(["id": .number(Double($0.id)), "name": .string($0.name)])
                    }),
                sandboxKey: .object([
                    "jobs": .number(Double(sandbox.jobs)), "candidates": .number(Double(sandbox.candidates)),
                    "reference_date": .string(UnifiedDate.format(sandbox.referenceDate)),
                ]),
            ])
        let credentials = try JSONEncoder().encode(Self.credentials(port: configuration.demoSandboxPort))
        try await store.integrations.createIntegration(integration, credentials: credentials)
        return integration
    }
}

extension Demo {
    /// The configuration of the demo integration's sandbox: the defaults with the size and
    /// reference date it was created with (a sandbox's data depends on its reference date, so
    /// an unchanged one keeps the demo's data unchanged across restarts and days).
    static func sandboxConfiguration(_ integration: Integration) -> SandboxConfiguration {
        var sandbox = SandboxConfiguration()
        guard case .object(let fields)? = integration.settings[sandboxKey] else { return sandbox }
        if case .number(let jobs)? = fields["jobs"], jobs >= 1 { sandbox.jobs = Int(jobs) }
        if case .number(let candidates)? = fields["candidates"], candidates >= 0 {
            sandbox.candidates = Int(candidates)
        }
        if case .string(let text)? = fields["reference_date"], let date = UnifiedDate.parse(text) {
            sandbox.referenceDate = date
        }
        return sandbox
    }

    /// The sandbox's applicant attribute catalog as integration settings: what a user would
    /// copy from Personio's settings page for a real account.
    static func attributeSettings(_ sandbox: SandboxConfiguration = SandboxConfiguration()) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(sandbox.applicantAttributes))
    }
}

extension PersonioAccounts {
    /// The integration's shared client, from its stored (decrypted) credentials: the one place
    /// syncs, writes and passthrough get it from.
    func client(for integration: Integration, store: Store) async throws -> (PersonioClient, PersonioCredentials) {
        guard
            let data = try await store.integrations.credentials(
                integrationID: integration.id.description, workspaceID: integration.workspaceID)
        else { throw APIError(.integrationNotFound, "Integration \(integration.id) has no stored credentials.") }
        let credentials = try JSONDecoder().decode(PersonioCredentials.self, from: data)
        return (await client(integrationID: integration.id.description, credentials: credentials), credentials)
    }
}
