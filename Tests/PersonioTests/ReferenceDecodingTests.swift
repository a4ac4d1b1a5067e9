import Foundation
import JunctionModel
import Testing

@testable import Personio

/// `{id, name}` references as Personio's pages carry them, read through the text decoder (the
/// sync's) and `JSONDecoder` alike.
@Suite("Reference decoding")
struct ReferenceDecodingTests {
    private static func decodeBoth(_ text: String) -> [Result<V2Reference, any Error>] {
        [
            Result { try JSONValue.decodeText(V2Reference.self, from: Data(text.utf8)) },
            Result { try JSONDecoder().decode(V2Reference.self, from: Data(text.utf8)) },
        ]
    }

    @Test(
        "an object gives its id and name, a bare string its name",
        arguments: [
            (#"{"id":12,"name":"Sales"}"#, "12", "Sales"), (#"{"id":"ab","name":null}"#, "ab", nil),
            (#"{"name":"Sales"}"#, nil, "Sales"), (#""Sales""#, nil, "Sales"),
        ] as [(String, String?, String?)])
    func shapes(text: String, id: String?, name: String?) throws {
        for result in Self.decodeBoth(text) {
            let reference = try result.get()
            #expect(reference.id == id)
            #expect(reference.name == name)
        }
    }

    @Test("anything else fails as a value that is not an object", arguments: ["12", "true", "null", "[]"])
    func refused(text: String) {
        for result in Self.decodeBoth(text) {
            guard case .failure(let error) = result else {
                Issue.record("\(text) decoded")
                continue
            }
            switch error as? DecodingError {
            case .typeMismatch(let type, _): #expect(type is [String: Any].Type, "\(text)")
            case .valueNotFound(let type, _): #expect(type is [String: Any].Type && text == "null", "\(text)")
            default: Issue.record("\(text): \(error)")
            }
        }
    }
}
