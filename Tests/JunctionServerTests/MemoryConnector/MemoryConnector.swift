import Foundation
import JunctionConnectors
import JunctionModel

/// A second connector, for tests only: an ATS held in memory, with jobs and candidates and
/// nothing else. It proves the connector boundary: it is registered through the same registry as
/// Personio and touches nothing outside this folder.
struct MemoryConnector: Connector {
    static let tool = Tool(rawValue: "memory-ats")!

    /// What the connect flow would have stored for an account: here, the account's whole data.
    struct Account: Codable, Sendable {
        var jobs: [Posting]
        var candidates: [Person]
    }

    struct Posting: Codable, Sendable {
        var id: String
        var title: String
        var open: Bool
    }

    struct Person: Codable, Sendable {
        var id: String
        var firstName: String
        var lastName: String
        var email: String
    }

    var descriptor: ToolDescriptor {
        ToolDescriptor(
            tool: Self.tool, category: "ats", label: "Memory ATS", logoURL: "https://memory.example/logo.png",
            iconURL: "https://memory.example/icon.png",
            coverage: .init(
                readModels: [
                    ToolDescriptor.supported("ats_jobs", "Jobs", fields: ["id", "remote_id", "name", "status"]),
                    ToolDescriptor.supported(
                        "ats_candidates", "Candidates",
                        fields: ["id", "remote_id", "first_name", "last_name", "email_addresses"]),
                    ToolDescriptor.unsupported("ats_applications", "Applications"),
                ],
                writeActions: [ToolDescriptor.unsupported("ats_create_candidate", "Create candidate")]))
    }

    func syncReader(for integration: Integration, credentials: Data, pageSize: Int) async throws -> any ATSConnector {
        MemoryReader(
            integrationID: integration.id.description,
            account: try JSONDecoder().decode(Account.self, from: credentials), pageSize: pageSize)
    }
}

/// One sync run's reads of a `MemoryConnector` account.
struct MemoryReader: ATSConnector {
    let integrationID: String
    let account: MemoryConnector.Account
    let pageSize: Int

    func id(_ model: String, _ remoteID: String) -> String {
        Identifier.record(integrationID: integrationID, model: model, remoteID: remoteID)
    }

    func forEachJobPage(updatedAfter: Date?, _ body: @Sendable ([Job]) async throws -> Void) async throws {
        for page in stride(from: 0, to: account.jobs.count, by: pageSize) {
            try await body(
                account.jobs[page..<min(page + pageSize, account.jobs.count)].map { posting in
                    var job = Job(id: id("jobs", posting.id), remoteID: posting.id, changedAt: Date())
                    job.name = posting.title
                    job.status = posting.open ? "OPEN" : "CLOSED"
                    return job
                })
        }
    }

    func forEachCandidatePage(updatedAfter: Date?, _ body: @Sendable ([Candidate]) async throws -> Void)
        async throws
    {
        for page in stride(from: 0, to: account.candidates.count, by: pageSize) {
            try await body(
                account.candidates[page..<min(page + pageSize, account.candidates.count)].map { person in
                    var candidate = Candidate(id: id("candidates", person.id), remoteID: person.id)
                    candidate.firstName = person.firstName
                    candidate.lastName = person.lastName
                    candidate.emailAddresses = [.init(emailAddress: person.email)]
                    return candidate
                })
        }
    }

    func forEachApplicationPage(
        updatedAfter: Date?, _ body: @Sendable ([Application], [ApplicationStage]) async throws -> Void
    ) async throws {}
    func applicationStages() async throws -> [ApplicationStage] { [] }
    func users() async throws -> [User]? { [] }
    func screeningQuestions() async throws -> [ScreeningQuestion] { [] }
    func tags() async throws -> [Tag] { [] }
    func requestCount() async -> Int { 0 }
    func stillPresent(_ model: String, remoteIDs: [String]) async throws -> Set<String> { [] }
    func isAuthenticationFailure(_ error: any Error) -> Bool { false }
}
