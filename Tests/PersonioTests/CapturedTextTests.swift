import Foundation
import JunctionModel
import Testing

@testable import Personio

/// A page's items are kept as their canonical text (`JSONValue.canonical`), which the store
/// copies into `remote_data`: those bytes must be what the item's tree writes, and the value the
/// same as that tree.
@Suite("Items captured from a page as text")
struct CapturedTextTests {
    static let items = [
        """
        { "updated_at": {"date-time": "2024-05-03T10:00:00+02:00", "timezone": "Europe/Berlin"},
          "id": "a-1", "candidate": {"id": 19, "email": "z\\u00fc@example.com", "last_name": "M\\u00fcller"},
          "job": {"id": "j-4", "name": "Sales \\/ Berlin"}, "channel": {"name": "LinkedIn", "id": 7},
          "current_stage": {"type": "custom", "kind": "custom", "id": "s-3", "name": "Interview"},
          "created_at": {"date-time": "2024-05-02T09:13:00+02:00"}, "score": 4.50 }
        """,
        #"{"id": "a-2", "candidate": null, "current_stage": {"kind": "rejected", "type": "system"}, "tags": []}"#,
    ]

    @Test("each item keeps the bytes its tree writes, and equals that tree")
    func itemsAsText() throws {
        let page = Data(("{\"_meta\": {\"links\": {}}, \"_data\": [" + Self.items.joined(separator: ",\n") + "]}").utf8)

        let decoded = try JSONValue.decodeText(V2Page<V2Application>.self, from: page)

        #expect(decoded.data.count == Self.items.count)
        for (captured, item) in zip(decoded.data, Self.items) {
            let tree = try JSONValue.parse(Array(item.utf8))
            guard case .canonical(let text) = captured.raw else {
                Issue.record("not kept as text: \(captured.raw)")
                continue
            }
            #expect(
                String(decoding: text.bytes, as: UTF8.self) == String(decoding: try tree.encodedBytes(), as: UTF8.self))
            #expect(captured.raw == tree)
            // The typed value is read as from the item alone by JSONDecoder.
            let alone = try JSONDecoder().decode(V2Application.self, from: Data(item.utf8))
            #expect(captured.value.id == alone.id)
            #expect(captured.value.candidateID == alone.candidateID)
            #expect(captured.value.jobID == alone.jobID)
            #expect(captured.value.currentStage?.id == alone.currentStage?.id)
            #expect(captured.value.currentStage?.kind == alone.currentStage?.kind)
            #expect(captured.value.channel?.name == alone.channel?.name)
            #expect(captured.value.createdAt == alone.createdAt)
            #expect(captured.value.updatedAt == alone.updatedAt)
        }
        // By hand, for the first item: keys sorted, escapes resolved, the slash unescaped.
        #expect(
            decoded.data.first.map { String(decoding: try! $0.raw.encodedBytes(), as: UTF8.self) }?
                .hasPrefix(#"{"candidate":{"email":"zü@example.com","id":19,"last_name":"Müller"},"channel":"#) == true)
    }
}
