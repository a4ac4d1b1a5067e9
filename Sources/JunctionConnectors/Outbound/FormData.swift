import Foundation
import MultipartKit
import NIOCore
import NIOHTTP1

/// A `multipart/form-data` body (RFC 7578) for a request to a tool, written by MultipartKit.
/// Names, file names and content types come from API callers, so each is made safe for its
/// header: quotes and line breaks cannot end the parameter or start a header of their own.
public struct FormData: Sendable {
    public enum Value: Sendable {
        case text(String)
        case file(filename: String, contentType: String, bytes: Data)
    }

    public var fields: [(name: String, value: Value)]

    public init(_ fields: [(name: String, value: Value)] = []) { self.fields = fields }

    /// The body and its `Content-Type` (with a fresh boundary).
    public func encoded() -> (body: ByteBuffer, contentType: String) {
        let boundary = "junction-" + UUID().uuidString
        let parts = fields.map { field -> MultipartPart in
            var headers = HTTPHeaders()
            switch field.value {
            case .text(let text):
                headers.add(name: "Content-Disposition", value: "form-data; name=\"\(Self.quoted(field.name))\"")
                return MultipartPart(headers: headers, body: ByteBuffer(string: text))
            case .file(let filename, let contentType, let bytes):
                headers.add(
                    name: "Content-Disposition",
                    value: "form-data; name=\"\(Self.quoted(field.name))\"; filename=\"\(Self.quoted(filename))\"")
                headers.add(name: "Content-Type", value: Self.headerValue(contentType))
                return MultipartPart(headers: headers, body: ByteBuffer(bytes: bytes))
            }
        }
        var body = ByteBuffer()
        // MultipartKit throws only for a part without headers; every part here has some.
        try? MultipartSerializer().serialize(parts: parts, boundary: boundary, into: &body)
        return (body, "multipart/form-data; boundary=\(boundary)")
    }

    /// A parameter value inside double quotes: quotes become apostrophes, control characters
    /// (line breaks among them) spaces.
    static func quoted(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar == "\"" ? "'" : (scalar.properties.generalCategory == .control ? " " : scalar)
                }))
    }

    /// A header value without control characters; an empty one is `application/octet-stream`.
    static func headerValue(_ text: String) -> String {
        let cleaned = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter {
                    $0.properties.generalCategory != .control
                })
        ).trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "application/octet-stream" : cleaned
    }
}
