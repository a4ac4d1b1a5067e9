import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PersonioSandbox
import Testing

/// Runs a sandbox on a real loopback port and talks HTTP to it, as a Personio client would.
struct SandboxHarness {
    let client: any TestClientProtocol

    static func run(
        _ configuration: SandboxConfiguration = SandboxConfiguration(),
        _ body: @escaping @Sendable (SandboxHarness) async throws -> Void
    ) async throws {
        let sandbox = PersonioSandbox(configuration: configuration)
        let app = Application(
            router: sandbox.buildRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(SandboxHarness(client: client)) }
    }

    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        func json() throws -> [String: Any] {
            try #require(
                JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "not a JSON object: \(body)")
        }

        /// The `_data` array of a list response.
        func items() throws -> [[String: Any]] {
            try #require(try json()["_data"] as? [[String: Any]], "no _data in \(body.prefix(300))")
        }

        /// Path and query of `_meta.links.next.href`, nil on the last page.
        func nextPath() throws -> String? {
            let meta = try #require(try json()["_meta"] as? [String: Any])
            let links = try #require(meta["links"] as? [String: Any])
            guard let next = links["next"] as? [String: Any] else { return nil }
            let href = try #require(next["href"] as? String)
            let url = try #require(URL(string: href))
            return url.path + (url.query.map { "?" + $0 } ?? "")
        }
    }

    func request(
        _ path: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> Reply {
        try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        {
            Reply(status: $0.status, headers: $0.headers, body: String(buffer: $0.body))
        }
    }

    func token(
        clientID: String = "papi-sandbox-client", secret: String = "papi-sandbox-secret", scope: String? = nil
    ) async throws -> Reply {
        var form = "grant_type=client_credentials&client_id=\(clientID)&client_secret=\(secret)"
        if let scope { form += "&scope=" + scope.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        return try await request(
            "/v2/auth/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: form)
    }

    /// A bearer header with a fresh token of the default, all-scopes client.
    func authorization(clientID: String = "papi-sandbox-client") async throws -> HTTPFields {
        let reply = try await token(clientID: clientID)
        let token = try #require(try reply.json()["access_token"] as? String)
        return [.authorization: "Bearer \(token)"]
    }

    /// Follows `next` from `path` to the end; fails the test after `maxPages`.
    func all(_ path: String, headers: HTTPFields, maxPages: Int = 10_000) async throws -> (
        items: [[String: Any]], pages: Int
    ) {
        var items: [[String: Any]] = []
        var next: String? = path
        var pages = 0
        while let current = next {
            let reply = try await request(current, headers: headers)
            #expect(reply.status == .ok, "\(current): \(reply.body.prefix(300))")
            items += try reply.items()
            next = try reply.nextPath()
            pages += 1
            if pages > maxPages {
                Issue.record("paging did not end after \(maxPages) pages")
                break
            }
        }
        return (items, pages)
    }
}

/// `updated_at` of a v2 record as epoch seconds, whichever timestamp shape it has.
func updatedAt(_ item: [String: Any]) -> Double? {
    let value = item["updated_at"]
    let text = (value as? [String: Any])?["date-time"] as? String ?? value as? String
    return text.flatMap { ISO8601DateFormatter().date(from: $0)?.timeIntervalSince1970 }
}

extension SandboxConfiguration {
    /// The default configuration with `change` applied.
    static func with(_ change: (inout SandboxConfiguration) -> Void) -> SandboxConfiguration {
        var configuration = SandboxConfiguration()
        change(&configuration)
        return configuration
    }
}
