import Foundation
import HTTPTypes
import Hummingbird
import JunctionConnectors
import JunctionModel
import Logging

/// Counts and times every request by route pattern and final status (it wraps the error
/// middleware, so refusals count with the status the client saw) and logs one line per request
/// with an id, which the response carries in `X-Request-Id`.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let metrics: JunctionMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let started = ContinuousClock.now
        let id = Identifier.random()
        var context = context
        context.logger[metadataKey: "request_id"] = "\(id)"
        context.info.requestID = id
        let remote = RemoteTiming()
        var response = try await ConnectorContext.$requestID.withValue(id) {
            try await ConnectorContext.$timing.withValue(remote) { try await next(request, context) }
        }
        let elapsed = ContinuousClock.now - started
        // The pattern, never the concrete path: paths hold ids, which would make a series each.
        let route = context.endpointPath ?? "unmatched"
        metrics.request(
            route: route, method: request.method.rawValue, status: Int(response.status.code), duration: elapsed)
        response.headers[HTTPField.Name("X-Request-Id")!] = id
        // What of the request's time went to the remote tool (`remote`): the rest is Junction's.
        response.headers[HTTPField.Name("Server-Timing")!] =
            "remote;dur=\(Self.milliseconds(remote.total));desc=\"\(remote.count) requests\", "
            + "total;dur=\(Self.milliseconds(elapsed))"
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(route)", "status": "\(response.status.code)",
                "duration_ms": "\(elapsed.inMilliseconds)",
            ])
        return response
    }

    /// Milliseconds with three decimals (rounded to the nearest microsecond), as `Server-Timing`
    /// allows. In whole numbers: `String(format:)` was a third of this middleware's CPU.
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = max(0, seconds * 1_000_000 + (attoseconds + 500_000_000_000) / 1_000_000_000_000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
