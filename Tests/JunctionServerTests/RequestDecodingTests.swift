import Foundation
import JunctionModel
import Testing

@testable import JunctionServer

@Suite("Request body decoding errors name the field")
struct RequestDecodingTests {
    struct Body: Decodable {
        struct Candidate: Decodable { let email: String }
        let name: String
        let count: Int
        let candidate: Candidate
    }

    @Test(
        "each kind of decoding failure becomes a message naming the field",
        arguments: [
            (#"{"count":1,"candidate":{"email":"a"}}"#, "Missing required field 'name'"),
            (
                #"{"name":"n","count":"one","candidate":{"email":"a"}}"#,
                "Field 'count' has the wrong type; expected a number"
            ),
            (#"{"name":"n","count":1,"candidate":{}}"#, "Missing required field 'candidate.email'"),
            (#"{"name":null,"count":1,"candidate":{"email":"a"}}"#, "Field 'name' must not be null"),
            (#"{"name": "#, "The request body is not valid JSON."),
        ])
    func describes(json: String, expected: String) throws {
        do {
            _ = try UnifiedJSON.makeDecoder().decode(Body.self, from: Data(json.utf8))
            Issue.record("decoding should have failed")
        } catch let error as DecodingError {
            #expect(UnifiedRequestDecoder.describe(error).hasPrefix(expected))
        }
    }
}
