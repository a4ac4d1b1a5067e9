extension Migration {
    /// The members `candidates[].applications[]` shows, kept beside each application's document
    /// so a candidates page reads a few hundred bytes per application instead of its whole
    /// document (issue 22). Rows saved before hold NULL until their next save; readers fall back
    /// to the document (`COALESCE(summary, record)`), which holds the same members.
    static let addApplicationsSummary = Migration(
        version: 27, name: "AddApplicationsSummary", ["ALTER TABLE applications ADD COLUMN summary TEXT"])
}
