extension Migration {
    /// The API key's statement tells whether an integration may have a field projection at all
    /// (`AccessRepository.authenticate`), so the pages of nearly every integration, which have
    /// none, skip the statement that reads it. Passthrough is enabled on few of an integration's
    /// fields, if any: this index finds one without reading the integration's other fields (a
    /// field explorer scan records hundreds).
    static let indexProjectedFields = Migration(
        version: 31, name: "IndexProjectedFields",
        [
            """
            CREATE INDEX integration_fields_passthrough ON integration_fields (integration_id)
                WHERE passthrough_enabled = 1
            """
        ])
}
