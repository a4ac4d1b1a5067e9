import Foundation
import HTTPTypes
import PersonioSandbox
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("The career-site XML feed")
struct CareerSiteTests {
    /// Reads `<position>` elements with the platform's XML parser: id, name and which optional
    /// elements were present.
    final class FeedReader: NSObject, XMLParserDelegate {
        var positions: [[String: String]] = []
        private var current: [String: String]?
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            path.append(name)
            text = ""
            if name == "position" { current = [:] }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            path.removeLast()
            if name == "position", let current {
                positions.append(current)
                self.current = nil
            } else if path.last == "position" {
                current?[name] = text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else if name == "value" {
                current?["description", default: ""] += text
            }
        }

        static func parse(_ xml: String) throws -> [[String: String]] {
            let parser = XMLParser(data: Data(xml.utf8))
            let reader = FeedReader()
            parser.delegate = reader
            #expect(parser.parse(), "feed is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
            return reader.positions
        }
    }

    @Test("the feed lists exactly the published jobs, German by default and English on request")
    func publishedOnly() async throws {
        try await SandboxHarness.run(.with { $0.jobs = 30 }) { sandbox in
            let v2Jobs = try await sandbox.all("/v2/recruiting/jobs", headers: try await sandbox.authorization()).items
            let german = try FeedReader.parse(try await sandbox.request("/xml").body)
            let english = try FeedReader.parse(try await sandbox.request("/xml?language=en").body)

            let v2IDs = Set(v2Jobs.compactMap { $0["id"] as? String })
            let feedIDs = german.compactMap { $0["id"] }
            #expect(Set(feedIDs).isSubset(of: v2IDs))
            #expect(feedIDs.count < v2IDs.count, "some generated jobs are unpublished and must be missing")
            #expect(english.map { $0["id"] } == german.map { $0["id"] })
            #expect(german.allSatisfy { $0["name"]?.hasSuffix("(m/w/d)") == true && $0["createdAt"] != nil })
            #expect(
                german.contains {
                    $0["description"]?.contains("Deine Aufgaben") == false && $0["description"]?.contains("Du ") == true
                })
            #expect(english.contains { $0["description"]?.contains("<ul>") == true })
            // English v2 names equal the English feed names.
            let v2Names = Dictionary(
                uniqueKeysWithValues: v2Jobs.compactMap { job in
                    (job["id"] as? String).map { ($0, job["name"] as? String) }
                })
            #expect(english.allSatisfy { v2Names[$0["id"]!] == $0["name"] })
        }
    }

    @Test("HEAD answers Last-Modified without a body")
    func head() async throws {
        try await SandboxHarness.run { sandbox in
            let reply = try await sandbox.request("/xml", method: .head)
            #expect(reply.status == .ok)
            #expect(reply.headers[.lastModified]?.hasSuffix("GMT") == true)
            #expect(reply.body.isEmpty)
        }
    }

    @Test("a disabled feed answers 404")
    func disabled() async throws {
        try await SandboxHarness.run(.with { $0.xmlFeedEnabled = false }) { sandbox in
            let reply = try await sandbox.request("/xml")
            #expect(reply.status == .notFound)
        }
    }
}
