import Foundation
import JunctionStore
import Logging
import ServiceLifecycle

/// Applies the retention policy (`PersonalDataRepository.applyRetention`) a minute after start
/// and then every `interval`. Every instance runs it; the pass is idempotent, so two instances
/// on one database only repeat each other's empty work.
public struct RetentionService: Service {
    let store: Store
    let policy: RetentionPolicy
    let interval: Duration
    let logger: Logger

    public init(store: Store, policy: RetentionPolicy, interval: Duration = .seconds(3600), logger: Logger) {
        self.store = store
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(for: .seconds(60))
            while !Task.isCancelled {
                do {
                    let report = try await store.personalData.applyRetention(policy)
                    if report.total > 0 {
                        logger.info(
                            "retention pass removed personal data past its period",
                            metadata: [
                                "tombstoned": "\(report.tombstoned.values.reduce(0, +))",
                                "log_entries": "\(report.logEntries)",
                                "webhook_events": "\(report.webhookEvents)",
                                "idempotent_answers": "\(report.idempotentAnswers)",
                                "connect_links": "\(report.connectLinks)",
                            ])
                    }
                } catch {
                    logger.error("retention pass failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
