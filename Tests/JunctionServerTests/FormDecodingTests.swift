import Foundation
import Hummingbird
import Testing

@testable import JunctionServer

@Suite("HTML form bodies")
struct FormDecodingTests {
    @Test("a flat form decodes with + as a space and percent escapes undone")
    func flatForm() throws {
        let text = "api_key=jk_a%2Bb&label=Senior+Engineer+%28m%2Fw%2Fd%29&empty="

        let form = try HTML.parseForm(text)

        #expect(form == ["api_key": "jk_a+b", "label": "Senior Engineer (m/w/d)", "empty": ""])
    }

    @Test("a key sent twice or a nested key is refused as a bad request", arguments: ["a=1&a=2", "a[b]=1"])
    func refused(text: String) throws {
        let error = try #require(throws: HTTPError.self) { try HTML.parseForm(text) }

        #expect(error.status == .badRequest)
    }
}
