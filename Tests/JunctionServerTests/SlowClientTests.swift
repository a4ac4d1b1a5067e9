import Foundation
import JunctionServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a loopback port, for sending a request one byte at a time.
final class RawConnection {
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(socket) }

    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } >= 0
    }

    enum ReadResult: Equatable {
        case data(String)
        case closed
        case nothing
    }

    /// Sends a byte every 300 ms, for up to 8 s (four times the bounds the tests set), until the
    /// server closes the connection; how long that took, or nil if it never did.
    func trickleUntilClosed() async throws -> Duration? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(8) {
            _ = send("a")
            if try await read(within: .milliseconds(300)) == .closed { return ContinuousClock.now - started }
        }
        return nil
    }

    /// What the server sent within `timeout`, without blocking a thread: reads never wait in the
    /// kernel (tests share a small thread pool with the servers they test).
    func read(within timeout: Duration) async throws -> ReadResult {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return .data(String(decoding: buffer.prefix(count), as: UTF8.self)) }
            if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) { return .closed }
            if ContinuousClock.now >= deadline { return .nothing }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

@Suite("Slow clients are cut off")
struct SlowClientTests {
    @Test("a request head trickled a byte at a time is closed within the configured bound")
    func slowHead() async throws {
        let server = try await TestServer.start { $0.requestHeadTimeoutSeconds = 2 }
        try await server.live { port in
            let connection = try RawConnection(port: port)
            #expect(connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-a: "))
            let after = try #require(
                try await connection.trickleUntilClosed(), "the server kept a trickling connection open for 8 s")
            #expect(after < .seconds(4))

            // A client that sends its request at once is answered as usual.
            let prompt = try RawConnection(port: port)
            #expect(prompt.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
            guard case .data(let answer) = try await prompt.read(within: .seconds(5)) else {
                Issue.record("a prompt request got no answer")
                return
            }
            #expect(answer.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a body trickled past its bound is closed")
    func slowBody() async throws {
        let server = try await TestServer.start { $0.requestBodyTimeoutSeconds = 2 }
        try await server.live { port in
            let connection = try RawConnection(port: port)
            #expect(
                connection.send(
                    "POST /dashboard/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
                ))
            let after = try #require(
                try await connection.trickleUntilClosed(), "the server kept a trickling body open for 8 s")
            #expect(after < .seconds(4))
        }
    }
}
