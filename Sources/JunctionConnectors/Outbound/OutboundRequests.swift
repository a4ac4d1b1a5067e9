import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which non-public addresses an operator lets Junction send to on a user's say-so (webhook
/// receivers on a private network, attachments served from the LAN). Public addresses are
/// always allowed; unspecified and multicast addresses never.
public enum PrivateAddressAccess: Sendable, Equatable {
    case none
    case all
    case ranges([IPRange])

    /// Reads a setting: `false`/empty (none), `true` (every private range), or a comma-separated
    /// list of CIDR blocks (`10.20.0.0/16,fd00::/8`).
    public init(setting: String?) throws(OutboundSettingError) {
        let text = (setting ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "", "false", "0", "no", "off": self = .none
        case "true", "1", "yes", "on": self = .all
        default:
            var ranges: [IPRange] = []
            for part in text.split(separator: ",") {
                let item = part.trimmingCharacters(in: .whitespaces)
                guard let range = IPRange(item) else {
                    throw OutboundSettingError(
                        message: "'\(item)' is neither true, false nor an address block like 10.0.0.0/8")
                }
                ranges.append(range)
            }
            self = .ranges(ranges)
        }
    }

    func permits(_ address: IPAddress) -> Bool {
        if address.isNeverATarget { return false }
        if address.isPublic { return true }
        switch self {
        case .none: return false
        case .all: return true
        case .ranges(let ranges): return ranges.contains { $0.contains(address) }
        }
    }
}

public struct OutboundSettingError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// Turns a host name into addresses. The system's resolver in production; tests hand in one
/// that answers differently on each call, as a rebinding DNS server would.
public protocol HostResolver: Sendable {
    func resolve(_ host: String) async -> [IPAddress]
}

/// `getaddrinfo` on NIO's blocking-work pool, so a slow DNS server never holds a Swift
/// concurrency thread.
public struct SystemHostResolver: HostResolver {
    public init() {}

    public func resolve(_ host: String) async -> [IPAddress] {
        (try? await NIOThreadPool.singleton.runIfActive { Self.lookup(host) }) ?? []
    }

    static func lookup(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0, let address = IPAddress(String(cString: buffer)), !addresses.contains(address)
            {
                addresses.append(address)
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

/// Why an outbound request was not sent or did not succeed. Messages never carry what a name
/// resolved to or the network stack's own error text, so a caller cannot map Junction's network
/// through them.
public struct OutboundError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case invalidURL = "invalid_url"
        case notAllowed = "not_allowed"
        case timedOut = "timed_out"
        case connectionFailed = "connection_failed"
        case tlsFailed = "tls_failed"
        case tooLarge = "too_large"
        case failed
    }

    public var kind: Kind
    public var message: String
    public var description: String { message }
}

/// An address checked against the policy: where a request goes, and the one address it may use.
public struct OutboundTarget: Sendable, Equatable {
    public var url: String
    public var host: String
    public var address: IPAddress
}

/// The answer to an outbound request, read up to the caller's cap.
public struct OutboundResponse: Sendable {
    public var status: HTTPResponseStatus
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// Whether the answer was longer than what was read (only when the caller asked to truncate).
    public var truncated: Bool
}

/// The one way Junction sends a request on a user's say-so (webhook deliveries, attachment
/// downloads, and anything later): http(s) only, no credentials in the URL, the host resolved
/// once and every address it resolves to checked, the connection made to the checked address
/// (never a second lookup, so a rebinding name cannot swap it), redirects never followed, the
/// time and the answer's size bounded.
public struct OutboundRequests: Sendable {
    public let access: PrivateAddressAccess
    let resolver: any HostResolver
    let connectTimeout: TimeAmount

    public init(
        access: PrivateAddressAccess, resolver: any HostResolver = SystemHostResolver(),
        connectTimeout: TimeAmount = .seconds(5)
    ) {
        self.access = access
        self.resolver = resolver
        self.connectTimeout = connectTimeout
    }

    /// Checks `url` without sending anything: its form, and the addresses its host resolves to.
    public func check(_ url: String) async -> Result<OutboundTarget, OutboundError> {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let rawHost = parsed.host, !rawHost.isEmpty
        else { return .failure(.init(kind: .invalidURL, message: "it is not an absolute http:// or https:// URL")) }
        guard parsed.user == nil, parsed.password == nil else {
            return .failure(.init(kind: .invalidURL, message: "it carries a user name or password"))
        }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let addresses: [IPAddress]
        if let literal = IPAddress(host) {
            addresses = [literal]
        } else {
            addresses = await resolver.resolve(host)
        }
        // Every address must pass: a name answering one public and one internal address is a
        // rebinding attempt as much as one that changes between lookups.
        guard let first = addresses.first, addresses.allSatisfy(access.permits) else {
            return .failure(
                .init(
                    kind: .notAllowed,
                    message:
                        "its host '\(host)' does not resolve to a public internet address, and Junction does not send requests to private networks unless the operator allows them"
                ))
        }
        return .success(OutboundTarget(url: url, host: host, address: first))
    }

    /// Sends `request` after checking its URL, to the checked address only. The answer's body is
    /// read up to `maxBytes`: past it the request fails as too large, or, with `truncate`, the
    /// rest is dropped.
    public func execute(
        _ request: HTTPClientRequest, timeout: TimeAmount, maxBytes: Int, truncate: Bool = false
    ) async -> Result<OutboundResponse, OutboundError> {
        let target: OutboundTarget
        switch await check(request.url) {
        case .success(let checked): target = checked
        case .failure(let error): return .failure(error)
        }
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: connectTimeout, read: timeout)
        configuration.decompression = .disabled
        if IPAddress(target.host) == nil {
            // The client connects to the checked address and still sends the name as Host and
            // as TLS server name, so certificates are verified for the name.
            configuration.dnsOverride = [target.host: target.address.description]
        }
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let result: Result<OutboundResponse, OutboundError>
        do {
            let response = try await client.execute(request, timeout: timeout)
            var body = ByteBuffer()
            var truncated = false
            for try await chunk in response.body {
                if body.readableBytes + chunk.readableBytes > maxBytes {
                    guard truncate else { throw NIOTooManyBytesError(maxBytes: maxBytes) }
                    var rest = chunk
                    if let part = rest.readSlice(length: maxBytes - body.readableBytes) {
                        body.writeImmutableBuffer(part)
                    }
                    truncated = true
                    break
                }
                body.writeImmutableBuffer(chunk)
            }
            result = .success(
                OutboundResponse(status: response.status, headers: response.headers, body: body, truncated: truncated))
        } catch {
            result = .failure(Self.classify(error, maxBytes: maxBytes))
        }
        try? await client.shutdown()
        return result
    }

    /// A network error as a kind and a fixed sentence.
    static func classify(_ error: any Error, maxBytes: Int) -> OutboundError {
        if error is NIOTooManyBytesError {
            return .init(kind: .tooLarge, message: "the answer is larger than \(maxBytes) bytes")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return .init(kind: .tlsFailed, message: "the TLS handshake failed")
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return .init(kind: .timedOut, message: "it timed out")
            case .remoteConnectionClosed:
                return .init(kind: .connectionFailed, message: "the connection was closed before an answer")
            default:
                break
            }
        }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return .init(kind: .connectionFailed, message: "the connection failed")
        }
        return .init(kind: .failed, message: "the request failed")
    }
}
