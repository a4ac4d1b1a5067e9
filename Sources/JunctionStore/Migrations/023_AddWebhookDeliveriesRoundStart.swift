extension Migration {
    /// A redelivery starts a new round of retries without renumbering the attempts (issue 20):
    /// `attempts` counts every attempt a delivery ever had, so the attempt log keeps one number
    /// per attempt in time order, and `round_start` is how many there were when the current
    /// round began; the retry schedule counts from there. The history is paged newest first
    /// by `(seq, id)` per endpoint.
    static let addWebhookDeliveriesRoundStart = Migration(
        version: 23, name: "AddWebhookDeliveriesRoundStart",
        [
            "ALTER TABLE webhook_deliveries ADD COLUMN round_start BIGINT NOT NULL DEFAULT 0",
            "CREATE INDEX webhook_deliveries_history ON webhook_deliveries (endpoint_id, seq, id)",
        ])
}
