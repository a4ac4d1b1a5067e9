extension Migration {
    /// Which tool a connect link connects (issue 18: the connect page is the tool's connector's);
    /// null on links made before, which the server reads as its one tool with a connect flow.
    static let addConnectLinksTool = Migration(
        version: 20, name: "AddConnectLinksTool", ["ALTER TABLE connect_links ADD COLUMN tool TEXT"])
}
