extension Migration {
    /// The queue's claim reads only what is due (issue 20): `active` mirrors the integration's
    /// status, so disabled and relink-waiting integrations, which stay due, are not walked on
    /// every tick, and the index `(active, due_at, integration_id)` serves the claim's filter and
    /// order in one range. Forced runs move `due_at` themselves, so the claim no longer asks the
    /// request table row by row.
    static let addSyncScheduleActive = Migration(
        version: 24, name: "AddSyncScheduleActive",
        [
            "ALTER TABLE sync_schedule ADD COLUMN active BIGINT NOT NULL DEFAULT 1",
            """
            UPDATE sync_schedule SET active = CASE WHEN EXISTS (
                SELECT 1 FROM integrations i WHERE i.id = sync_schedule.integration_id AND i.status = 'ACTIVE'
            ) THEN 1 ELSE 0 END
            """,
            """
            UPDATE sync_schedule SET due_at = (SELECT MIN(r.requested_at) FROM sync_requests r
                WHERE r.integration_id = sync_schedule.integration_id)
            WHERE EXISTS (SELECT 1 FROM sync_requests r WHERE r.integration_id = sync_schedule.integration_id
                AND r.requested_at < sync_schedule.due_at)
            """,
            "DROP INDEX sync_schedule_due",
            "CREATE INDEX sync_schedule_claim ON sync_schedule (active, due_at, integration_id)",
        ])
}
