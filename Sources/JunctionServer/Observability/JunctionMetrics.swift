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
            descriptor: .init(
                metricName: "junction_webhook_outbox_depth", unitName: "", helpText: "Webhook deliveries waiting"))
    }

    private static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    /// One API request: by route pattern (never the concrete path, which holds ids) and status.
    func request(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(
            descriptor: .init(metricName: "junction_http_requests_total", unitName: "", helpText: "API requests"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "junction_http_request_duration_seconds", unitName: "", helpText: "API request latency"),
            labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// A finished sync run: by type and result, and the records it added, changed or deleted.
    public func syncFinished(_ run: SyncRun) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_sync_runs_total", unitName: "", helpText: "Sync runs by type and result"),
            labels: [("type", run.kind.rawValue), ("result", run.status.rawValue)]
        ).increment()
        for (change, counts) in [
            ("added", run.stats.added), ("updated", run.stats.updated), ("deleted", run.stats.deleted),
        ] {
            for (model, count) in counts where count > 0 {
                registry.makeCounter(
                    descriptor: .init(
                        metricName: "junction_records_synced_total", unitName: "", helpText: "Records synced by model"),
                    labels: [("model", model), ("change", change)]
                ).increment(by: Int64(count))
            }
        }
    }

    /// One request to a remote tool, by tool and status (`error` when none came back).
    public func remoteRequest(tool: Tool, status: Int?) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_remote_requests_total", unitName: "",
                helpText: "Requests to remote tools by tool and status"),
            labels: [("tool", tool.rawValue), ("status", status.map(String.init) ?? "error")]
        ).increment()
    }

    /// Time spent waiting for a remote tool's rate limit (429 backoff or its rate-limit headers).
    public func rateLimitWait(tool: Tool, _ duration: Duration) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_remote_rate_limit_waits_total", unitName: "",
                helpText: "Waits for a remote tool's rate limit"),
            labels: [("tool", tool.rawValue)]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "junction_remote_rate_limit_wait_seconds", unitName: "",
                helpText: "Length of rate-limit waits"),
            labels: [("tool", tool.rawValue)], buckets: Self.latencyBuckets
        ).record(duration)
    }

    public func setOutboxDepth(_ depth: Int) {
        outboxDepth.set(Double(depth))
    }

    public func webhookDeliveries(outcome: String) {
        registry.makeCounter(
            descriptor: .init(
                metricName: "junction_webhook_attempts_total", unitName: "", helpText: "Webhook attempts by outcome"),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}

/// How fresh the fleet's data is, computed from the queue at each scrape: per integration the
/// seconds since its data was last confirmed current, and across the fleet how many integrations
/// are within each bound (gauges, since the set is a snapshot, not a stream of observations).
enum FreshnessMetrics {
    static let bounds: [Double] = [60, 120, 300, 600, 1800, 3600, 6 * 3600, 24 * 3600]

    static func render(_ confirmations: [(integrationID: String, confirmedAt: Date?)], now: Date) -> String {
        let lags = confirmations.map { entry in
            (entry.integrationID, entry.confirmedAt.map { max(0, now.timeIntervalSince($0)) } ?? .infinity)
        }
        var text = """
            # HELP junction_integration_data_lag_seconds Seconds since the integration's data was last confirmed current (the start of its last successful sync); +Inf before its first.
            # TYPE junction_integration_data_lag_seconds gauge

            """
        for (id, lag) in lags {
            text += "junction_integration_data_lag_seconds{integration=\"\(id)\"} \(value(lag))\n"
        }
        text += """
            # HELP junction_fleet_integrations_fresh_within Active integrations whose data was confirmed current at most `le` seconds ago.
            # TYPE junction_fleet_integrations_fresh_within gauge

            """
        for bound in bounds {
            text +=
                "junction_fleet_integrations_fresh_within{le=\"\(Int(bound))\"} \(lags.filter { $0.1 <= bound }.count)\n"
        }
        text += "junction_fleet_integrations_fresh_within{le=\"+Inf\"} \(lags.count)\n"
        return text
    }

    static func value(_ seconds: Double) -> String {
        seconds.isFinite ? String(format: "%.3f", seconds) : "+Inf"
    }
}
