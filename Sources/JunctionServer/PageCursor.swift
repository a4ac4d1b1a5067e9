import Crypto
import Foundation
import Hummingbird
import JunctionModel

/// The opaque `cursor` of list endpoints: a keyset position, bound to the query that produced it
/// and signed, so a client can neither forge a position nor reuse a cursor with other filters.
///
/// Format: `base64url(payload) "." base64url(HMAC-SHA256(key, payload)[0..<16])`, where payload is
/// `v1\n<query fingerprint>\n<after key>`.
struct PageCursor: Sendable {
    let key: SymmetricKey

    func encode(after: String, fingerprint: String) -> String {
        let payload = Data("v1\n\(fingerprint)\n\(after)".utf8)
        return Self.base64URL(payload) + "." + Self.base64URL(signature(payload))
    }

    /// The `after` key inside `cursor`, or an error naming the `cursor` parameter.
    func decode(_ cursor: String, fingerprint: String) throws(APIError) -> String {
        let invalid = APIError.invalidInput(
            "Query parameter 'cursor' is not a cursor this server issued for this query; "
                + "pass data.next unchanged, with the same filters and page_size.")
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]),
            let tag = Self.data(base64URL: parts[1]),
            Self.constantTimeEqual(tag, signature(payload))
        else { throw invalid }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 3, fields[0] == "v1", fields[1] == fingerprint, !fields[2].isEmpty else {
            throw invalid
        }
        return String(fields[2])
    }

    /// A stable digest of everything that shapes a listing except the cursor itself.
    static func fingerprint(model: String, integrationID: String, parameters: [(String, String)]) -> String {
        let canonical = ([model, integrationID] + parameters.sorted { $0 < $1 }.map { "\($0)=\($1)" })
            .joined(separator: "\u{1F}")
        return base64URL(Data(SHA256.hash(data: Data(canonical.utf8)).prefix(12)))
    }

    /// A simple listing's `page_size` (100 unless given, at most `maximum`) and the position
    /// after which its page starts, from `cursor`; errors name the bad parameter.
    func page(_ request: Request, maximum: Int, model: String, scope: String) throws(APIError) -> (
        size: Int, after: String?
    ) {
        var size = 100
        if let text = request.uri.queryParameters.get("page_size") {
            guard let value = Int(text), (1...maximum).contains(value) else {
                throw APIError.invalidInput(
                    "Query parameter 'page_size' must be a whole number from 1 to \(maximum), not '\(text)'.")
            }
            size = value
        }
        let print = Self.fingerprint(model: model, integrationID: scope, parameters: [("page_size", String(size))])
        let after = try request.uri.queryParameters.get("cursor").map { cursor throws(APIError) in
            try decode(cursor, fingerprint: print)
        }
        return (size, after)
    }

    /// The `next` cursor of a simple listing paged by `page(_:maximum:model:scope:)`.
    func next(after: String?, size: Int, model: String, scope: String) -> String? {
        after.map {
            encode(
                after: $0,
                fingerprint: Self.fingerprint(
                    model: model, integrationID: scope, parameters: [("page_size", String(size))]))
        }
    }

    private func signature(_ payload: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: payload, using: key)).prefix(16)
    }

    /// Compares in time independent of where the first difference is, so response timing
    /// does not leak how much of a forged tag was right.
    static func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Base64 with the URL alphabet and no padding (RFC 4648, section 5). Mapped byte by byte:
    /// Foundation's `replacingOccurrences`, three times per text, was 3% of a page's CPU.
    static func base64URL(_ data: Data) -> String {
        let standard = data.base64EncodedData()
        var bytes = [UInt8]()
        bytes.reserveCapacity(standard.count)
        for byte in standard {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): break
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes of a `base64URL` text; nil for one that is not base64.
    static func data(base64URL text: Substring) -> Data? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            default: bytes.append(byte)
            }
        }
        bytes += repeatElement(UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        return Data(base64Encoded: Data(bytes))
    }
}
