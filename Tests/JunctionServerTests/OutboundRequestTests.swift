import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JunctionConnectors
import NIOCore
import Testing

@testable import JunctionConnectors
@testable import JunctionServer

/// What a loopback receiver was asked, path by path, with the `Host` header each request named.
actor Recorder {
    private(set) var hits: [String: [String]] = [:]
    /// Bodies POSTed, in arrival order, per path.
    private(set) var bodies: [String: [Data]] = [:]
    /// Whether `/flaky` answers 500 (until a test says otherwise).
    private(set) var failing = true
    /// Whether `/held` let go because `/fast` was reached while it held (not by its own bound).
    private(set) var heldReleasedByFast = false

    func record(_ path: String, host: String) { hits[path, default: []].append(host) }
    func record(_ path: String, body: Data) { bodies[path, default: []].append(body) }
    func count(_ path: String) -> Int { hits[path]?.count ?? 0 }
    func setFailing(_ value: Bool) { failing = value }
    func releasedByFast() { heldReleasedByFast = true }
}

/// A resolver that answers from a script, one answer per call, and counts the calls: what a
/// rebinding DNS server does (a public-looking answer first, an internal one after).
final class ScriptedResolver: HostResolver, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [[IPAddress]]
    private var calls = 0

    init(_ answers: [[String]]) {
        self.answers = answers.map { $0.compactMap(IPAddress.init) }
    }

    var callCount: Int { lock.withLock { calls } }

    func resolve(_ host: String) async -> [IPAddress] {
        lock.withLock {
            calls += 1
            return answers.count > 1 ? answers.removeFirst() : answers.first ?? []
        }
    }
}

/// A real HTTP server on a free loopback port, for the duration of `body`.
func withReceiver(_ body: @escaping @Sendable (Int, Recorder) async throws -> Void) async throws {
    let recorder = Recorder()
    let router = Router()
    router.get("{path}") { request, _ -> Response in
        let path = request.uri.path
        await recorder.record(path, host: request.head.authority ?? "")
        switch path {
        case "/redirect":
            let port = request.head.authority?.split(separator: ":").last ?? "0"
            return Response(status: .found, headers: [.location: "http://127.0.0.1:\(port)/target"])
        case "/big":
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x41, count: 100_000)))
        default:
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "file at \(path)")))
        }
    }
    router.post("{path}") { request, _ -> Response in
        let path = request.uri.path
        await recorder.record(path, host: request.head.authority ?? "")
        await recorder.record(path, body: Data(buffer: try await request.body.collect(upTo: 1 << 20)))
        switch path {
        case "/slow":
            // A receiver that takes its time, as a hanging one does until the sender's timeout.
            try await Task.sleep(for: .seconds(3))
        case "/held":
            // Holds its answer until `/fast` is reached (at most 60 s): whether `/fast` came
            // while it held is an order, which a loaded machine cannot stretch into a failure.
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(60) {
                if await recorder.count("/fast") > 0 {
                    await recorder.releasedByFast()
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        case "/fail":
            return Response(status: .internalServerError)
        case "/flaky":
            if await recorder.failing { return Response(status: .internalServerError) }
        default:
            break
        }
        return Response(status: .noContent)
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body(try #require(client.port), recorder)
    }
}

@Suite("Outbound requests stay on the public internet")
struct OutboundRequestTests {
    // Expected values from the IANA special-purpose address registries, written out by hand.
    @Test(
        "every special-purpose block is refused; public addresses are not",
        arguments: [
            ("127.0.0.1", false), ("127.255.0.9", false), ("0.0.0.0", false), ("10.1.2.3", false),
            ("100.64.0.1", false), ("169.254.169.254", false), ("172.16.0.1", false), ("172.31.255.255", false),
            ("192.0.0.8", false), ("192.0.2.2", false), ("192.88.99.1", false), ("192.168.1.1", false),
            ("198.18.0.1", false), ("198.19.255.255", false), ("198.51.100.7", false), ("203.0.113.9", false),
            ("224.0.0.1", false), ("239.255.255.250", false), ("240.0.0.1", false), ("255.255.255.255", false),
            ("::", false), ("::1", false), ("::127.0.0.1", false), ("::ffff:127.0.0.1", false),
            ("::ffff:8.8.8.8", false), ("64:ff9b::7f00:1", false), ("64:ff9b:1::1", false), ("100::1", false),
            ("2001::1", false), ("2001:db8::1", false), ("2002:7f00:1::1", false), ("3fff::1", false),
            ("fc00::1", false), ("fd00::1", false), ("fe80::1", false), ("fec0::1", false), ("ff02::1", false),
            ("8.8.8.8", true), ("1.1.1.1", true), ("172.32.0.1", true), ("100.128.0.1", true), ("198.20.0.1", true),
            ("93.184.216.34", true), ("2606:4700::1111", true), ("2a00:1450:4001::200e", true),
        ])
    func classification(address: String, isPublic: Bool) throws {
        #expect(try #require(IPAddress(address)).isPublic == isPublic)
    }

    @Test("the private-address setting: off, all, or named blocks; anything else is an error that names it")
    func privateAccessSetting() throws {
        #expect(try PrivateAddressAccess(setting: nil) == .none)
        #expect(try PrivateAddressAccess(setting: "false") == .none)
        #expect(try PrivateAddressAccess(setting: "true") == .all)
        let ranges = try PrivateAddressAccess(setting: "10.20.0.0/16, fd00::/8")
        #expect(ranges.permits(IPAddress("10.20.3.4")!))
        #expect(!ranges.permits(IPAddress("10.21.3.4")!))
        #expect(ranges.permits(IPAddress("fd12::1")!))
        #expect(!ranges.permits(IPAddress("127.0.0.1")!))
        // Even "all" never reaches unspecified or multicast addresses.
        #expect(!PrivateAddressAccess.all.permits(IPAddress("0.0.0.0")!))
        #expect(!PrivateAddressAccess.all.permits(IPAddress("ff02::1")!))
        #expect(throws: OutboundSettingError.self) { try PrivateAddressAccess(setting: "10.0.0.0/33") }
        #expect(throws: OutboundSettingError.self) { try PrivateAddressAccess(setting: "intranet") }
    }

    @Test(
        "loopback in every spelling is refused without a request, and the refusal reveals no address",
        arguments: [
            "http://127.0.0.1:9/x", "http://localhost:9/x", "http://LOCALHOST:9/x", "http://127.1:9/x",
            "http://2130706433:9/x", "http://0x7f000001:9/x", "http://0.0.0.0:9/x", "http://[::1]:9/x",
            "http://[::ffff:127.0.0.1]:9/x", "http://[::127.0.0.1]:9/x", "HTTP://127.0.0.1:9/x",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[fd00::1]/",
        ])
    func loopbackForms(url: String) async throws {
        let outbound = OutboundRequests(access: .none)
        let result = await outbound.check(url)
        guard case .failure(let error) = result else {
            Issue.record("\(url) was allowed")
            return
        }
        #expect(error.kind == .notAllowed)
        #expect(!error.message.contains("127.0.0.1") || url.contains("127.0.0.1"))
        #expect(!error.message.contains("::1") || url.contains("::1"))
    }

    @Test("a URL with credentials, another scheme or no host is refused as invalid")
    func invalidURLs() async throws {
        let outbound = OutboundRequests(access: .all)
        for url in ["ftp://example.com/x", "file:///etc/passwd", "http://user:pw@127.0.0.1/", "http:///x", "nonsense"] {
            guard case .failure(let error) = await outbound.check(url) else {
                Issue.record("\(url) was allowed")
                continue
            }
            #expect(error.kind == .invalidURL)
        }
    }

    @Test("nothing is sent to a refused address: the receiver sees no request")
    func refusedSendsNothing() async throws {
        try await withReceiver { port, recorder in
            let outbound = OutboundRequests(access: .none)
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/hook")
            request.method = .POST
            let result = await outbound.execute(request, timeout: .seconds(5), maxBytes: 1024)
            guard case .failure(let error) = result else {
                Issue.record("the request was sent")
                return
            }
            #expect(error.kind == .notAllowed)
            #expect(await recorder.count("/hook") == 0)
        }
    }

    @Test("a redirect is not followed, even from an allowed address to an allowed one")
    func redirectNotFollowed() async throws {
        try await withReceiver { port, recorder in
            let fetcher = HTTPAttachmentFetcher(
                outbound: OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!])), maxBytes: 1024)
            let result = await fetcher.fetch("http://127.0.0.1:\(port)/redirect")
            #expect(result == .failure(.init(message: "downloading it answered HTTP 302")))
            #expect(await recorder.count("/redirect") == 1)
            #expect(await recorder.count("/target") == 0)
        }
    }

    @Test("a rebinding name: resolved once, the checked address connected to, the name kept as Host")
    func rebindingName() async throws {
        try await withReceiver { port, recorder in
            // First answer allowed (the one range the operator opened); any later one is not.
            let resolver = ScriptedResolver([["127.0.0.1"], ["127.0.0.2"]])
            let outbound = OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!]), resolver: resolver)
            let result = await outbound.execute(
                HTTPClientRequest(url: "http://rebind.test:\(port)/file"), timeout: .seconds(5), maxBytes: 1024)
            let response = try result.get()
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "file at /file")
            #expect(resolver.callCount == 1)
            #expect(await recorder.hits["/file"] == ["rebind.test:\(port)"])
        }
    }

    @Test("a name answering one allowed and one internal address is refused")
    func mixedAnswer() async throws {
        try await withReceiver { port, recorder in
            let resolver = ScriptedResolver([["127.0.0.1", "10.0.0.1"]])
            let outbound = OutboundRequests(access: .ranges([IPRange("127.0.0.1/32")!]), resolver: resolver)
            let result = await outbound.execute(
                HTTPClientRequest(url: "http://mixed.test:\(port)/file"), timeout: .seconds(5), maxBytes: 1024)
            guard case .failure(let error) = result else {
                Issue.record("the request was sent")
                return
            }
            #expect(error.kind == .notAllowed)
            #expect(!error.message.contains("10.0.0.1"))
            #expect(await recorder.count("/file") == 0)
        }
    }

    @Test("an answer past the cap fails as too large, or is cut where the caller allows it")
    func sizeCap() async throws {
        try await withReceiver { port, _ in
            let outbound = OutboundRequests(access: .ranges([IPRange("127.0.0.0/8")!]))
            let url = "http://127.0.0.1:\(port)/big"
            let refused = await outbound.execute(HTTPClientRequest(url: url), timeout: .seconds(5), maxBytes: 10_000)
            guard case .failure(let error) = refused else {
                Issue.record("a 100 KB answer passed a 10 KB cap")
                return
            }
            #expect(error.kind == .tooLarge)
            let cut = try await outbound.execute(
                HTTPClientRequest(url: url), timeout: .seconds(5), maxBytes: 10_000, truncate: true
            ).get()
            #expect(cut.body.readableBytes == 10_000)
            #expect(cut.truncated)
        }
    }

    @Test("a closed port fails with a fixed sentence, not the network stack's text")
    func closedPort() async throws {
        let outbound = OutboundRequests(access: .ranges([IPRange("127.0.0.0/8")!]))
        let result = await outbound.execute(
            HTTPClientRequest(url: "http://127.0.0.1:1/x"), timeout: .seconds(5), maxBytes: 1024)
        guard case .failure(let error) = result else {
            Issue.record("a closed port answered")
            return
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.message == "the connection failed")
    }
}
