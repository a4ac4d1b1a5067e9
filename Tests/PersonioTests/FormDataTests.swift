import Foundation
import NIOCore
import Testing

@testable import JunctionConnectors
@testable import PersonioSandbox

@Suite("multipart/form-data bodies")
struct FormDataTests {
    @Test("a file and a text field written by the connector read back in the sandbox, bytes intact")
    func roundTrip() throws {
        let bytes = Data((0...255).map(UInt8.init) + Array("\r\n--junction-\r\n".utf8))
        let form = FormData([
            ("file", .file(filename: "CV Müller.pdf", contentType: "application/pdf", bytes: bytes)),
            ("note", .text("first line\r\nsecond line")),
        ])

        let (body, contentType) = form.encoded()
        let boundary = try #require(Multipart.boundary(contentType: contentType))
        let parts = try #require(Multipart.parse(Data(buffer: body), boundary: boundary))

        #expect(parts.count == 2)
        #expect(parts[0].name == "file" && parts[0].filename == "CV Müller.pdf")
        #expect(parts[0].contentType == "application/pdf")
        #expect(parts[0].body == bytes)
        #expect(parts[1].name == "note" && parts[1].filename == nil)
        #expect(parts[1].body == Data("first line\r\nsecond line".utf8))
    }

    @Test("quotes and line breaks in names cannot end the parameter or add a header")
    func hostileNames() throws {
        let form = FormData([
            (
                "file\"; filename=\"x.exe",
                .file(
                    filename: "a\"b\r\nContent-Type: text/html.pdf", contentType: "application/pdf\r\nX-Injected: 1",
                    bytes: Data("%PDF".utf8))
            )
        ])

        let (body, contentType) = form.encoded()
        let boundary = try #require(Multipart.boundary(contentType: contentType))
        let parts = try #require(Multipart.parse(Data(buffer: body), boundary: boundary))

        #expect(parts.count == 1)
        #expect(parts[0].name == "file'; filename='x.exe")
        #expect(parts[0].filename == "a'b  Content-Type: text/html.pdf")
        #expect(parts[0].contentType == "application/pdfX-Injected: 1")
        #expect(!String(buffer: body).contains("\r\nX-Injected"))
    }

    @Test("a body without its closing delimiter is not a form")
    func truncated() throws {
        let (body, contentType) = FormData([("note", .text("hello"))]).encoded()
        let boundary = try #require(Multipart.boundary(contentType: contentType))
        let text = String(buffer: body)
        let cut = String(text[..<text.range(of: "--" + boundary + "--")!.lowerBound])

        #expect(Multipart.parse(Data(cut.utf8), boundary: boundary) == nil)
    }
}
