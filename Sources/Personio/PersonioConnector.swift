import Foundation
import JunctionModel

/// Reads a Personio account into unified records. One instance per integration and run.
public struct PersonioConnector: Sendable {
    public let integrationID: String
    public let client: PersonioClient
    public let credentials: PersonioCredentials
    /// Records per v2 page; Personio's maximum is 200.
    public let pageSize: Int

    public init(integrationID: String, client: PersonioClient, credentials: PersonioCredentials, pageSize: Int = 200) {
        precondition((1...200).contains(pageSize), "Personio pages hold 1 to 200 records")
        self.integrationID = integrationID
        self.client = client
        self.credentials = credentials
        self.pageSize = pageSize
    }

    /// The account's recruiting categories (small; one request, no paging in Personio).
    public func categories() async throws -> [Captured<V2Category>] {
        let data = try await client.getV2("/v2/recruiting/categories")
        do {
            return try JSONDecoder().decode(V2Page<V2Category>.self, from: data).data
        } catch {
            throw PersonioError.malformedResponse("categories: \(error)")
        }
    }

    /// Every application stage: the system stages and each category's stages.
    public func applicationStages() async throws -> [ApplicationStage] {
        StageMapper(integrationID: integrationID).stages(categories: try await categories())
    }

    /// Every job, joined with its career-feed position (English texts), in pages of unified
    /// jobs. The feed is read once up front: one document, no paging, only published jobs.
    public func forEachJobPage(_ body: @Sendable ([Job]) async throws -> Void) async throws {
        let feed = try await client.careerFeed(language: "en") ?? []
        let positions = Dictionary(feed.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let mapper = JobMapper(
            integrationID: integrationID, careerSiteBaseURL: credentials.resolvedCareerSiteBaseURL,
            categories: try await categories().map(\.value))
        try await client.forEachPage(of: V2Job.self, path: "/v2/recruiting/jobs", limit: pageSize) { page in
            try await body(page.map { mapper.map($0, position: positions[$0.value.id]) })
        }
    }

    /// Every candidate, page by page.
    public func forEachCandidatePage(_ body: @Sendable ([Candidate]) async throws -> Void) async throws {
        let mapper = CandidateMapper(integrationID: integrationID)
        try await client.forEachPage(of: V2Candidate.self, path: "/v2/recruiting/candidates", limit: pageSize) { page in
            try await body(page.map(mapper.map))
        }
    }

    /// Every application, page by page.
    public func forEachApplicationPage(_ body: @Sendable ([Application]) async throws -> Void) async throws {
        let mapper = CandidateMapper(integrationID: integrationID)
        try await client.forEachPage(of: V2Application.self, path: "/v2/recruiting/applications", limit: pageSize) {
            page in
            try await body(page.map(mapper.map))
        }
    }
}
