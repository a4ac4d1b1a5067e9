extension Migration {
    /// The field explorer's samples of candidates' and applications' payloads held people's
    /// values (issue 21); they are emptied here and come back masked with the next discovery.
    static let maskPersonalFieldSamples = Migration(
        version: 25, name: "MaskPersonalFieldSamples",
        ["UPDATE integration_fields SET samples = '[]' WHERE model IN ('ats_candidates', 'ats_applications')"])
}
