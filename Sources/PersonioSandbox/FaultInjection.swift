import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

/// What to break, where, and how often. Installed through `PUT /_sandbox/faults`.
///
/// Each rule matches requests whose path starts with `path`. Of the matching requests, the
/// first `after` pass untouched; then each is hit with `probability` (drawn from `seed`, the
/// rule's index and the request's index, so a run replays exactly), at most `count` times.
struct FaultPlan: Decodable, Sendable {
    var seed: UInt64 = 0
    var rules: [FaultRule]

    init(seed: UInt64, rules: [FaultRule]) {
        self.seed = seed
        self.rules = rules
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        rules = try container.decode([FaultRule].self, forKey: .rules)
    }

    enum CodingKeys: String, CodingKey { case seed, rules }
}

struct FaultRule: Decodable, Sendable {
    enum Kind: String, Decodable, Sendable {
        /// 429; with `retry_after` seconds as `Retry-After`, or without the header.
        case rateLimit = "rate_limit"
        /// `status` (default 500) with a problem body.
        case serverError = "server_error"
        /// Adds `milliseconds` before answering normally.
        case latency
        /// Holds the request for `seconds` (default 30), then answers 504.
        case timeout
        /// Answers the normal status with the body cut in half.
        case truncate
        /// Answers the normal status with a body that is not JSON at all.
        case malformed
        /// Appends the page's first `records` (default 1) entries again at its end.
        case repeatRecords = "repeat_records"
        /// Drops the page's first `records` (default 1) entries.
        case skipRecords = "skip_records"
    }

    var path: String
    var fault: Kind
    var count: Int?
    var after: Int?
    var probability: Double?
    var status: Int?
    var retryAfter: Int?
    var milliseconds: Int?
    var seconds: Double?
    var records: Int?

    enum CodingKeys: String, CodingKey {
        case path, fault, count, after, probability, status, milliseconds, seconds, records
        case retryAfter = "retry_after"
    }
}

/// Decides, per request, which faults of the installed plan hit it, and keeps a log of them.
actor FaultInjector {
    private var plan = FaultPlan(seed: 0, rules: [])
    private var matched: [Int] = []
    private var applied: [Int] = []
    private(set) var log: [(path: String, fault: String)] = []

    func install(_ plan: FaultPlan) {
        self.plan = plan
        matched = Array(repeating: 0, count: plan.rules.count)
        applied = Array(repeating: 0, count: plan.rules.count)
        log = []
    }

    func faults(for path: String) -> [FaultRule] {
        var hits: [FaultRule] = []
        for (index, rule) in plan.rules.enumerated() where path.hasPrefix(rule.path) {
            let ordinal = matched[index]
            matched[index] += 1
            guard ordinal >= (rule.after ?? 0), applied[index] < (rule.count ?? Int.max) else { continue }
            var random = SeededRandom(seed: plan.seed, stream: "fault-\(index)", index: ordinal)
            guard random.chance(rule.probability ?? 1) else { continue }
            applied[index] += 1
            hits.append(rule)
            log.append((path, rule.fault.rawValue))
        }
        return hits
    }
}

/// Applies the injector's decisions to every route except the admin API.
struct FaultMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let injector: FaultInjector

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard !path.hasPrefix("/\(AdminRoutes.prefix)") else { return try await next(request, context) }
        let faults = await injector.faults(for: path)
        guard !faults.isEmpty else { return try await next(request, context) }

        for fault in faults {
            switch fault.fault {
            case .latency:
                try await Task.sleep(for: .milliseconds(fault.milliseconds ?? 100))
            case .timeout:
                try await Task.sleep(for: .seconds(fault.seconds ?? 30))
                return SandboxResponse.problem(
                    status: .gatewayTimeout, title: "Gateway Timeout", detail: "The upstream did not answer in time.",
                    type: "common.gateway_timeout", path: path)
            case .rateLimit:
                var response = SandboxResponse.problem(
                    status: .tooManyRequests, title: "Too Many Requests", detail: "Rate limit exceeded.",
                    type: "common.too_many_requests", path: path)
                if let seconds = fault.retryAfter { response.headers[.retryAfter] = String(seconds) }
                return response
            case .serverError:
                let status = HTTPResponse.Status(code: fault.status ?? 500)
                return SandboxResponse.problem(
                    status: status, title: status.reasonPhrase, detail: "Injected failure.",
                    type: "common.internal_server_error", path: path)
            case .truncate, .malformed, .repeatRecords, .skipRecords:
                continue
            }
        }

        // Body faults are applied where the body is written (`SandboxResponse`), which reads
        // them from this task-local: Hummingbird's response bodies cannot be read back here.
        let bodyFaults = faults.filter { [.truncate, .malformed, .repeatRecords, .skipRecords].contains($0.fault) }
        return try await BodyFaults.$current.withValue(bodyFaults) { try await next(request, context) }
    }
}

/// The body faults that apply to the response being written in this task.
enum BodyFaults {
    @TaskLocal static var current: [FaultRule] = []

    /// `body` with the current task's body faults applied.
    static func apply(to body: Data) -> Data {
        var body = body
        for fault in current {
            switch fault.fault {
            case .truncate: body = body.prefix(body.count / 2)
            case .malformed: body = Data("<html><body>502 Bad Gateway</body></html>".utf8)
            case .repeatRecords, .skipRecords: body = editPage(body, fault: fault)
            default: break
            }
        }
        return body
    }

    private static func editPage(_ body: Data, fault: FaultRule) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            var items = object["_data"] as? [Any]
        else { return body }
        let count = min(fault.records ?? 1, items.count)
        if fault.fault == .repeatRecords {
            items += items.prefix(count)
        } else {
            items.removeFirst(count)
        }
        object["_data"] = items
        return (try? JSONSerialization.data(withJSONObject: object)) ?? body
    }
}
