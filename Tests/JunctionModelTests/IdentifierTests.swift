import Testing

@testable import JunctionModel

@Suite("Identifiers")
struct IdentifierTests {
    @Test("record ids are 24 base58 characters, stable, and scoped by integration and model")
    func recordIDs() {
        let first = Identifier.record(integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "jobs", remoteID: "1")
        let again = Identifier.record(integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "jobs", remoteID: "1")
        let otherIntegration = Identifier.record(
            integrationID: "personio:BBBBBBBBBBBBBBBBBBBBBBBB", model: "jobs", remoteID: "1")
        let otherModel = Identifier.record(
            integrationID: "personio:AAAAAAAAAAAAAAAAAAAAAAAA", model: "candidates", remoteID: "1")

        #expect(Identifier.isWellFormed(first))
        #expect(first == again)
        #expect(first != otherIntegration)
        #expect(first != otherModel)
    }

    @Test("base58 matches the published Bitcoin alphabet test vectors")
    func base58Vectors() {
        #expect(Identifier.base58(Array("Hello World!".utf8)) == "2NEpo7TZRRrLZSi2U")
        #expect(Identifier.base58([0, 0, 0x28, 0x7F, 0xB4, 0xCD]) == "11233QC4")
    }

    @Test("random ids are well formed and distinct")
    func randomIDs() {
        let ids = (0..<1000).map { _ in Identifier.random() }
        #expect(ids.allSatisfy(Identifier.isWellFormed))
        #expect(Set(ids).count == ids.count)
    }

    @Test("integration ids parse only as a tool slug and 24 base58 characters")
    func integrationIDs() {
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev4E")?.tool == .personio)
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev4E")?.description == "personio:CBNMt7dSNCzBdnRTx87dev4E")
        // Any tool slug parses (a connector names its own tool); whether a process serves it is
        // the registry's business.
        #expect(IntegrationID("memory-ats:CBNMt7dSNCzBdnRTx87dev4E")?.tool.rawValue == "memory-ats")
        #expect(IntegrationID("Greenhouse:CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID(":CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID(String(repeating: "a", count: 33) + ":CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID("per sonio:CBNMt7dSNCzBdnRTx87dev4E") == nil)
        #expect(IntegrationID("personio:short") == nil)
        #expect(IntegrationID("personio:CBNMt7dSNCzBdnRTx87dev40") == nil)  // 0 is not base58
        #expect(IntegrationID("CBNMt7dSNCzBdnRTx87dev4E") == nil)
    }
}
