extension Migration {
    /// Application claims named the candidate's email in clear and stayed forever (issue 21).
    /// New claims are hashes (`WriteLedgerRepository.applicationClaim`); the old ones go: each
    /// guarded a write that has ended, and the store's duplicate check covers its application.
    static let hashWriteClaims = Migration(
        version: 26, name: "HashWriteClaims", ["DELETE FROM write_claims WHERE claim LIKE '%@%'"])
}
