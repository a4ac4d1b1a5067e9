import HTTPTypes
import Hummingbird

/// Which partner headers (`X-Personio-Partner-ID`, `X-Personio-App-ID`) requests to the
/// emulated Personio carried: Personio asks integration partners to send them on every
/// request [C]. Read through `GET /_sandbox/partner-headers`, so a test can check a client.
actor PartnerHeaderLog {
    struct Seen: Hashable, Sendable {
        var partnerID: String?
        var appID: String?
    }

    private(set) var requests = 0
    private(set) var seen: [Seen: Int] = [:]

    func record(_ value: Seen) {
        requests += 1
        seen[value, default: 0] += 1
    }

    func reset() {
        requests = 0
        seen = [:]
    }
}

struct PartnerHeaderMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let log: PartnerHeaderLog

    static let partnerID = HTTPField.Name("X-Personio-Partner-ID")!
    static let appID = HTTPField.Name("X-Personio-App-ID")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if !request.uri.path.hasPrefix("/\(AdminRoutes.prefix)") {
            await log.record(.init(partnerID: request.headers[Self.partnerID], appID: request.headers[Self.appID]))
        }
        return try await next(request, context)
    }
}
