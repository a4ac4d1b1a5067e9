extension Migration {
    /// Where a connect link made for Kombo's `sandbox` tool connects: the sandbox this server ran
    /// when the link was made (issue 19). Null for links to the tool itself.
    static let addConnectLinksSandboxURL = Migration(
        version: 21, name: "AddConnectLinksSandboxURL", ["ALTER TABLE connect_links ADD COLUMN sandbox_url TEXT"])
}
