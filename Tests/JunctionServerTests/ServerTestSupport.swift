import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionApp
import JunctionConnectors
import JunctionModel
import JunctionServer
import JunctionStore
import JunctionTestSupport
import NIOCore
import Testing

/// A Junction server on a fresh SQLite data folder with a known API key, driven in process.
struct TestServer {
    static let apiKey = "jk_server_test_key_0000001"

    let runtime: JunctionRuntime

    static func start(
        backend: Backend = .sqlite, connectors: [any Connector] = [],
        configure: (inout JunctionConfiguration) -> Void = { _ in }
    ) async throws -> TestServer {
        var configuration = JunctionConfiguration()
        configuration.dataDirectory =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("junction-server-test-\(UUID().uuidString)").path
        if backend == .postgres, case .postgres(let url) = try await freshDatabaseLocation(.postgres) {
            configuration.databaseURL = url
        }
        configuration.apiKey = apiKey
        // The demo serves a sandbox on a fixed port; parallel tests would collide on it.
        configuration.demo = false
        configure(&configuration)
        let runtime = try await JunctionRuntime.open(
            configuration, logger: quietLogger, connectors: connectors, announce: { _ in })
        return TestServer(runtime: runtime)
    }

    var workspaceID: String { runtime.bootstrap.workspace.id }

    /// Runs `body` against the router in process; the database is closed afterwards.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(runtime: runtime, logger: quietLogger)
        try await app.test(.router, body)
    }

    /// Runs `body` against the server listening on a free loopback port (for what only a real
    /// connection shows: timeouts, connection limits).
    func live(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let app = buildApplication(runtime: runtime, logger: quietLogger)
        try await app.test(.live) { client in try await body(try #require(client.port)) }
    }
}

extension TestResponse {
    /// The body as a JSON object, failing the test when it is not one.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return try #require(object as? [String: Any], "body is not a JSON object: \(String(buffer: body))")
    }

    /// `error.code` and `error.message` of an error envelope, after checking its shape.
    func envelopeError() throws -> (code: String, message: String) {
        let object = try json()
        #expect(object["status"] as? String == "error")
        let error = try #require(object["error"] as? [String: Any], "no error object in \(String(buffer: body))")
        #expect(Set(error.keys) == ["code", "title", "message", "log_url"])
        return (try #require(error["code"] as? String), try #require(error["message"] as? String))
    }
}

func bearer(_ key: String = TestServer.apiKey) -> HTTPFields {
    [.authorization: "Bearer \(key)"]
}
