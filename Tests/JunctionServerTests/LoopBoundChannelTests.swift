import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

@testable import JunctionServer

/// `LoopBoundHTTP1Channel` handles a connection's requests on the event loop its parts arrive on
/// (issue 22: no thread woken per request for its handling and again for its response). What it
/// must keep: the handler runs on that loop, and the requests are answered as Hummingbird's own
/// channel answers them.
@Suite("Requests on their connection's loop")
struct LoopBoundChannelTests {
    /// A route that says whether its handler runs on an event loop thread, and answers a body.
    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("where") { _, _ in
            MultiThreadedEventLoopGroup.currentEventLoop == nil ? "elsewhere" : "on a loop"
        }
        // What a handler starts with `Task {}` (the activity log's writer does): a task
        // executor preference is not inherited by an unstructured task.
        router.get("spawned") { _, _ in
            await Task { MultiThreadedEventLoopGroup.currentEventLoop == nil ? "elsewhere" : "on a loop" }.value
        }
        router.post("echo") { request, _ in
            String(buffer: try await request.body.collect(upTo: 1 << 20))
        }
        return router
    }

    /// What `/where` says on three requests over one connection, and what `/echo` gives back.
    static func answers(server: HTTPServerBuilder) async throws -> (where: [String], spawned: String, echo: String) {
        let app = Application(router: router(), server: server)
        return try await app.test(.live) { client in
            var places: [String] = []
            for _ in 0..<3 {
                let response = try await client.execute(uri: "/where", method: .get)
                places.append(String(buffer: response.body))
            }
            let spawned = try await client.execute(uri: "/spawned", method: .get)
            let echo = try await client.execute(
                uri: "/echo", method: .post, body: ByteBuffer(string: String(repeating: "ada ", count: 5000)))
            return (places, String(buffer: spawned.body), String(buffer: echo.body))
        }
    }

    @Test(
        "a request's handler runs on its connection's event loop, a task it starts does not; Hummingbird's own channel runs it elsewhere"
    )
    func handlerOnTheLoop() async throws {
        let bound = try await Self.answers(server: .loopBoundHTTP1(configuration: .init()))
        let plain = try await Self.answers(server: .http1())

        #expect(bound.where == ["on a loop", "on a loop", "on a loop"])
        #expect(plain.where == ["elsewhere", "elsewhere", "elsewhere"])
        #expect(bound.spawned == "elsewhere")
        #expect(bound.echo == String(repeating: "ada ", count: 5000))
        #expect(bound.echo == plain.echo)
    }
}
