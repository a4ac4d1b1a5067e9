import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Downloads an attachment's `data_url` for a write.
public protocol AttachmentFetcher: Sendable {
    /// The file at `url`, or a message saying why not (for the caller to name the field).
    func fetch(_ url: String) async -> Result<Data, AttachmentFetchError>
}

public struct AttachmentFetchError: Error, Sendable, Equatable {
    public var message: String
}

/// Fetches over HTTP(S) with a size cap and a deadline, and only from public addresses, so a
/// request cannot make Junction read its own network (SSRF). Redirects are not followed, since
/// they could lead to such an address.
public struct HTTPAttachmentFetcher: AttachmentFetcher {
    let http: HTTPClient
    let maxBytes: Int
    let timeout: TimeAmount
    /// Tests and local setups serve files from loopback; production keeps this off.
    let allowPrivateAddresses: Bool

    public init(http: HTTPClient, maxBytes: Int, timeout: TimeAmount = .seconds(20), allowPrivateAddresses: Bool) {
        self.http = http
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    public func fetch(_ url: String) async -> Result<Data, AttachmentFetchError> {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = parsed.host, !host.isEmpty
        else { return .failure(.init(message: "'\(url)' is not an http(s) URL")) }
        if !allowPrivateAddresses {
            let addresses = Self.resolve(host)
            guard !addresses.isEmpty else { return .failure(.init(message: "the host '\(host)' does not resolve")) }
            if let blocked = addresses.first(where: Self.isPrivate) {
                return .failure(.init(message: "the host '\(host)' resolves to a non-public address (\(blocked))"))
            }
        }
        do {
            let response = try await http.execute(HTTPClientRequest(url: url), timeout: timeout)
            guard response.status == .ok else {
                return .failure(.init(message: "downloading it answered HTTP \(response.status.code)"))
            }
            let body = try await response.body.collect(upTo: maxBytes)
            return .success(Data(buffer: body))
        } catch is NIOTooManyBytesError {
            return .failure(.init(message: "the file is larger than \(maxBytes) bytes"))
        } catch {
            return .failure(.init(message: "it could not be downloaded (\(error))"))
        }
    }

    /// Every address `host` resolves to, as text.
    static func resolve(_ host: String) -> [String] {
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
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(
                info.pointee.ai_addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST)
                == 0
            {
                addresses.append(String(cString: buffer))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }

    /// Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and IPv6
    /// unique-local addresses, and IPv4 mapped into IPv6 of those.
    static func isPrivate(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.contains(":") {
            if lower == "::1" || lower == "::" { return true }
            if lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb") {
                return true
            }
            if lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("ff") { return true }
            if let mapped = lower.split(separator: ":").last, lower.hasPrefix("::ffff:"), mapped.contains(".") {
                return isPrivate(String(mapped))
            }
            return false
        }
        let octets = address.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return true }
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31): return true
        case (100, 64...127): return true
        case (224...255, _): return true
        default: return false
        }
    }
}
