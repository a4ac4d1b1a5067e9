import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

@Suite("v2 paging, ordering and filters")
struct PagingTests {
    static let sizes = (jobs: 23, candidates: 157)

    static func configure(_ configuration: inout SandboxConfiguration) {
        configuration.jobs = sizes.jobs
        configuration.candidates = sizes.candidates
        configuration.v2RateLimit = nil
    }

    @Test("paging visits every record exactly once at every limit", arguments: [1, 7, 100, 200])
    func exactlyOnce(limit: Int) async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let auth = try await sandbox.authorization()

            let jobs = try await sandbox.all("/v2/recruiting/jobs?limit=\(limit)", headers: auth)
            let candidates = try await sandbox.all("/v2/recruiting/candidates?limit=\(limit)", headers: auth)
            let applications = try await sandbox.all("/v2/recruiting/applications?limit=\(limit)", headers: auth)

            let jobIDs = jobs.items.compactMap { $0["id"] as? String }
            let candidateIDs = candidates.items.compactMap { $0["id"] as? String }
            let applicationIDs = applications.items.compactMap { $0["id"] as? String }
            #expect(jobIDs.count == Self.sizes.jobs && Set(jobIDs).count == Self.sizes.jobs)
            #expect(candidateIDs.count == Self.sizes.candidates && Set(candidateIDs).count == Self.sizes.candidates)
            // The candidates' own application lists are an independent count of applications.
            let listed = candidates.items.flatMap {
                ($0["applications"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(Set(applicationIDs) == Set(listed))
            #expect(applicationIDs.count == listed.count)
            // Full pages, then the empty page the last one links to (the default, as live Personio [C3]).
            #expect(candidates.pages == (Self.sizes.candidates + limit - 1) / limit + 1)
        }
    }

    @Test("lists are newest-updated first")
    func newestFirst() async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let auth = try await sandbox.authorization()
            for path in ["/v2/recruiting/jobs", "/v2/recruiting/candidates", "/v2/recruiting/applications"] {
                let times = try await sandbox.all(path + "?limit=50", headers: auth).items.compactMap(updatedAt)
                #expect(times.count > 0)
                #expect(zip(times, times.dropFirst()).allSatisfy { $0 >= $1 }, "\(path) is not newest first")
            }
        }
    }

    @Test("updated_at.gt and .lt split the listing at a moment, and may not be combined")
    func updatedFilters() async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let auth = try await sandbox.authorization()
            let all = try await sandbox.all("/v2/recruiting/applications?limit=200", headers: auth).items
            let times = all.compactMap(updatedAt).sorted()
            let cut = times[times.count / 2]
            let cutText = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: cut))

            let after = try await sandbox.all(
                "/v2/recruiting/applications?limit=13&updated_at.gt=\(cutText)", headers: auth
            ).items
            let before = try await sandbox.all(
                "/v2/recruiting/applications?limit=13&updated_at.lt=\(cutText)", headers: auth
            ).items
            let both = try await sandbox.request(
                "/v2/recruiting/applications?updated_at.gt=\(cutText)&updated_at.lt=\(cutText)", headers: auth)

            #expect(after.count == times.filter { $0 > cut }.count)
            #expect(before.count == times.filter { $0 < cut }.count)
            #expect(after.compactMap(updatedAt).allSatisfy { $0 > cut })
            #expect(both.status == .badRequest)
            #expect(both.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("candidate.email returns exactly that candidate's applications")
    func emailFilter() async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let auth = try await sandbox.authorization()
            let candidates = try await sandbox.all("/v2/recruiting/candidates?limit=200", headers: auth).items
            let candidate = try #require(
                candidates.first { ($0["applications"] as? [Any])?.count ?? 0 >= 2 && $0["email"] is String })
            let email = try #require(candidate["email"] as? String)
            let expected = Set((candidate["applications"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })

            let encoded = email.uppercased().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let found = try await sandbox.all("/v2/recruiting/applications?candidate.email=\(encoded)", headers: auth)
                .items

            #expect(Set(found.compactMap { $0["id"] as? String }) == expected)
            #expect(found.allSatisfy { ($0["candidate"] as? [String: Any])?["email"] as? String == email })
        }
    }

    @Test(
        "bad paging input is a 400 problem",
        arguments: ["limit=0", "limit=201", "limit=ten", "cursor=not-a-cursor", "updated_at.gt=yesterday"])
    func badInput(query: String) async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let reply = try await sandbox.request(
                "/v2/recruiting/candidates?\(query)", headers: try await sandbox.authorization())
            #expect(reply.status == .badRequest)
            let errors = try #require(try reply.json()["errors"] as? [[String: Any]])
            #expect(errors.first?["title"] as? String == "Bad Request")
        }
    }

    @Test("by-id reads match the listing, and unknown ids are 404 problems")
    func singleResources() async throws {
        try await SandboxHarness.run(.with(Self.configure)) { sandbox in
            let auth = try await sandbox.authorization()
            let first = try #require(
                try await sandbox.request("/v2/recruiting/applications?limit=1", headers: auth).items().first)
            let id = try #require(first["id"] as? String)

            let single = try await sandbox.request("/v2/recruiting/applications/\(id)", headers: auth).json()
            let transitions = try await sandbox.request(
                "/v2/recruiting/applications/\(id)/stage-transitions", headers: auth
            ).items()
            let missing = try await sandbox.request("/v2/recruiting/jobs/999", headers: auth)

            #expect(single["id"] as? String == id)
            #expect(try canonical(single) == canonical(first))
            // The latest transition is the current stage.
            let latest = try #require(transitions.first?["stage"] as? [String: Any])
            #expect(try canonical(latest) == canonical(try #require(first["current_stage"] as? [String: Any])))
            #expect(missing.status == .notFound)
            #expect(missing.body.contains("common.requested_resource_not_found"))
        }
    }

    @Test("the same seed gives the same data; another seed does not")
    func deterministic() async throws {
        func firstPage(seed: UInt64) async throws -> String {
            let body = Mutex(value: "")
            try await SandboxHarness.run(
                .with {
                    Self.configure(&$0)
                    $0.seed = seed
                    $0.referenceDate = Date(timeIntervalSince1970: 1_790_000_000)
                }
            ) { sandbox in
                let reply = try await sandbox.request(
                    "/v2/recruiting/candidates?limit=20", headers: try await sandbox.authorization())
                body.set(reply.body.replacingOccurrences(of: #"http://[^/"]+"#, with: "", options: .regularExpression))
            }
            return body.get()
        }
        let a = try await firstPage(seed: 7)
        let b = try await firstPage(seed: 7)
        let c = try await firstPage(seed: 8)
        #expect(a == b)
        #expect(a != c)
    }
}

/// A value shared with a `@Sendable` closure.
final class Mutex<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

/// JSON text with sorted keys, to compare two parsed objects by value.
func canonical(_ object: [String: Any]) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
}
