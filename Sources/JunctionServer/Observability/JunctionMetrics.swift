import Foundation
import JunctionModel
import JunctionStore
import JunctionSync
import Prometheus

/// Every metric `/metrics` serves, in one registry owned by the composition root (not the
/// process-wide MetricsSystem, so several servers in one test process stay apart).
public final class JunctionMetrics: WebhookObserver {
    public let registry = PrometheusCollectorRegistry()
    let outboxDepth: Gauge

    public init() {
        outboxDepth = registry.makeGauge(
            descriptor: .init(metricName: "junction_webhook_outbox_depth", helpText: "Webhook deliveries waiting"))
    }

    private static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// One API request: by route pattern (never the concrete path, which holds ids) and status.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(metricName: "junction_http_requests_total", helpText: "API requests"), labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(metricName: "junction_http_request_duration_seconds", helpText: "API request latency"),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// A finished sync run: by type and result, and the records it added, changed or deleted.
    public func syncFinished(_ run: SyncRun) {
        registry.makeCounter(
            descriptor: .init(metricName: "junction_sync_runs_total", helpText: "Sync runs by type and result"),
            labels: [("type", run.kind.rawValue), ("result", run.status.rawValue)]
        ).increment()
        for (change, counts) in [
            ("added", run.stats.added), ("updated", run.stats.updated), ("deleted", run.stats.deleted),
        ] {
            for (model, count) in counts where count > 0 {
                registry.makeCounter(
                    descriptor: .init(metricName: "junction_records_synced_total", helpText: "Records synced by model"),
                    labels: [("model", model), ("change", change)]
                ).increment(by: Int64(count))
            }
        }
    }

    /// One request to a remote tool, by tool and status (`error` when none came back).
    public func remoteRequest(tool: Tool, status: Int?) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_remote_requests_total", helpText: "Requests to remote tools by tool and status"),
            labels: [("tool", tool.rawValue), ("status", status.map(String.init) ?? "error")]
        ).increment()
    }

    /// Time spent waiting for a remote tool's rate limit (429 backoff or its rate-limit headers).
    public func rateLimitWait(tool: Tool, _ duration: Duration) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_remote_rate_limit_waits_total", helpText: "Waits for a remote tool's rate limit"),
            labels: [("tool", tool.rawValue)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "junction_remote_rate_limit_wait_seconds", helpText: "Length of rate-limit waits"),
            labels: [("tool", tool.rawValue)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    public func setOutboxDepth(_ depth: Int) {
        outboxDepth.set(Double(depth))
    }

    public func webhookDeliveries(outcome: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "junction_webhook_attempts_total", helpText: "Webhook attempts by outcome"),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}
