import Foundation
import MultipartKit
import NIOCore

/// The sandbox's `multipart/form-data` reader (RFC 7578), enough for Personio's one-file upload.
enum Multipart {
    struct Part: Sendable {
        var name: String?
        var filename: String?
        var contentType: String?
        var body: Data
    }

    /// The boundary parameter of a `multipart/form-data` content type.
    static func boundary(contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// Splits `body` into its parts with MultipartKit's parser; nil when it is not well-formed
    /// (no closing boundary, or bytes the grammar does not allow).
    static func parse(_ body: Data, boundary: String) -> [Part]? {
        guard !boundary.isEmpty else { return nil }
        let parser = MultipartParser(boundary: boundary)
        var parts: [Part] = []
        var current = Part(body: Data())
        var complete = false
        parser.onHeader = { name, value in
            switch name.lowercased() {
            case "content-disposition":
                current.name = parameter("name", in: value)
                current.filename = parameter("filename", in: value)
            case "content-type":
                current.contentType = value.trimmingCharacters(in: .whitespaces)
            default:
                break
            }
        }
        parser.onBody = { chunk in current.body.append(contentsOf: chunk.readableBytesView) }
        parser.onPartComplete = {
            parts.append(current)
            current = Part(body: Data())
            complete = true
        }
        do {
            try parser.execute(ByteBuffer(bytes: body))
        } catch {
            return nil
        }
        // A body cut before its closing delimiter leaves the last part open.
        guard complete, body.range(of: Data("--\(boundary)--".utf8)) != nil else { return nil }
        return parts
    }

    /// A parameter of a header value (`form-data; name="file"; filename="cv.pdf"`): a `;`
    /// inside quotes belongs to the value.
    private static func parameter(_ name: String, in value: String) -> String? {
        var pieces: [String] = []
        var piece = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(piece)
                piece = ""
            } else {
                piece.append(character)
            }
        }
        pieces.append(piece)
        for piece in pieces.dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == name {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
