#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed strictly: only the canonical text forms
/// `inet_pton` takes (no `127.1`, no decimal or hex integers; those reach us only through a
/// resolver, which turns them into one of these).
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if text.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(text), &address) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, String(text), &address) == 1 else { return nil }
            bytes = withUnsafeBytes(of: &address) { Array($0) }
        }
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16)
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return "?" }
        return String(cString: buffer)
    }
}

/// A block of addresses in CIDR notation (`10.0.0.0/8`, `fd00::/8`).
public struct IPRange: Hashable, Sendable, CustomStringConvertible {
    public let base: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let bits = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : bits
        guard let length, (0...bits).contains(length) else { return nil }
        self.base = address
        self.prefixLength = length
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == base.bytes.count else { return false }
        var remaining = prefixLength
        for (a, b) in zip(address.bytes, base.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if a & mask != b & mask { return false }
            remaining -= take
        }
        return true
    }

    public var description: String { "\(base)/\(prefixLength)" }
}

extension IPAddress {
    /// Blocks that never hold a public server: what Junction refuses to send to on a user's say-so
    /// unless an operator allows the block. IPv6 outside `2000::/3` (global unicast) is refused as
    /// a whole, which covers loopback, unspecified, IPv4-mapped and -compatible, NAT64, unique-local,
    /// link-local, site-local and multicast; inside it, the special blocks below.
    static let nonPublicRanges: [IPRange] = [
        // IPv4 (the IANA special-purpose registry, every block not globally reachable)
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
        "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        // IPv6 inside 2000::/3: IETF protocol assignments (Teredo, benchmarking, ORCHID),
        // documentation, 6to4
        "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20",
    ].map { IPRange($0)! }

    static let globalUnicastIPv6 = IPRange("2000::/3")!

    /// Whether the address is on the public internet.
    public var isPublic: Bool {
        if !isIPv4, !Self.globalUnicastIPv6.contains(self) { return false }
        return !Self.nonPublicRanges.contains { $0.contains(self) }
    }

    /// Unspecified and multicast addresses name no single server: refused even where an
    /// operator allows private addresses.
    var isNeverATarget: Bool {
        if isIPv4 { return bytes[0] == 0 || bytes[0] >= 224 }
        return bytes.allSatisfy { $0 == 0 } || bytes[0] == 0xFF
    }
}
