import Foundation
import JunctionModel
import JunctionTestSupport
import Testing

@testable import JunctionStore

/// The field explorer's scan of payloads (`FieldDiscovery`, over each payload's text) against
/// hand-computed statistics and against the tree-based scan it replaced (`TreeScan` below, kept
/// here as the reference: it parsed each payload and walked the tree).
@Suite("Field discovery: the statistics of each path over scanned payloads")
struct FieldDiscoveryTests {
    @Test("paths, set counts, types and samples of a few payloads are what they hold")
    func handComputed() throws {
        // Setup: three candidates' payloads.
        let payloads = [
            #"{"id":1,"kind":"person","tags":["a","b"],"emails":[{"value":"ann@example.org","primary":true},{"value":null}],"extra":null,"job":{"name":"Cook"}}"#,
            #"{"id":2,"kind":"person","tags":[],"emails":[],"job":{"name":"Cook"},"empty":{}}"#,
            #"{"id":3.0,"kind":"person","emails":[{"value":"bob@example.net"},7],"job":{"name":"Baker"},"na\"me":"x","caf\u00e9":1}"#,
        ]

        // Act
        var discovery = FieldDiscovery(model: "ats_candidates")
        for payload in payloads { try discovery.add(Array(payload.utf8)) }
        let stats = discovery.stats

        // Check: every leaf path, named as the explorer names them; nulls and empty objects are
        // no leaves, an empty list is one.
        #expect(
            Set(stats.keys) == [
                "id", "kind", "tags", "emails", "emails[].value", "emails[].primary", "emails[]", "job.name", "na\"me",
                "café",
            ])
        #expect(stats["id"]?.setCount == 3)
        #expect(stats["id"]?.types == ["number"])
        // `id` is neutral: its values are shown, and 3.0 is the number 3.
        #expect(stats["id"]?.samples == ["1", "2", "3"])
        // The same value in every record is one sample.
        #expect(stats["kind"]?.samples == ["\"person\""])
        // A list of plain values is a leaf, an empty one too; masked, each item keeps its shape.
        #expect(stats["tags"]?.setCount == 2)
        #expect(stats["tags"]?.types == ["array"])
        #expect(stats["tags"]?.samples == [#"["a…","b…"]"#, "[]"])
        #expect(stats["emails"]?.samples == ["[]"])
        // A person's values are masked: an email keeps its first letter and its domain.
        #expect(stats["emails[].value"]?.setCount == 2)
        #expect(stats["emails[].value"]?.samples == ["\"a…@example.org\"", "\"b…@example.net\""])
        #expect(stats["emails[].primary"]?.samples == ["true"])
        // A plain value beside the objects of a list sits at the list's own path.
        #expect(stats["emails[]"]?.samples == ["0"])
        // Under `job` the account's values are shown as they are.
        #expect(stats["job.name"]?.setCount == 3)
        #expect(stats["job.name"]?.samples == ["\"Cook\"", "\"Baker\""])
        #expect(stats["na\"me"]?.samples == ["\"x…\""])
        #expect(stats["café"]?.types == ["number"])
    }

    @Test("nothing below eight levels is opened: a deeper object is a leaf")
    func depth() throws {
        // Setup: objects nested nine deep.
        var payload = #"{"z":1}"#
        for name in ["h", "g", "f", "e", "d", "c", "b", "a"] { payload = #"{"\#(name)":\#(payload)}"# }

        // Act
        var discovery = FieldDiscovery(model: "ats_jobs")
        try discovery.add(Array(payload.utf8))

        // Check
        #expect(Array(discovery.stats.keys) == ["a.b.c.d.e.f.g.h"])
        #expect(discovery.stats["a.b.c.d.e.f.g.h"]?.types == ["object"])
        #expect(discovery.stats["a.b.c.d.e.f.g.h"]?.samples == [#"{"z":1}"#])
    }

    @Test(
        "the statistics of generated payloads are the tree-based scan's, path for path",
        arguments: ["ats_jobs", "ats_candidates", "ats_applications"])
    func againstTheTree(model: String) throws {
        // Setup: 400 payloads from a seeded generator, written as JSONEncoder writes them (it
        // escapes `/`, so some member names carry escapes).
        var generator = SeededGenerator(seed: UInt64(model.utf8.count) &* 7919)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let payloads = try (0..<400).map { _ in
            try encoder.encode(JSONValue.object(Self.object(depth: 0, using: &generator)))
        }

        // Act
        var discovery = FieldDiscovery(model: model)
        var tree = TreeScan(model: model)
        for payload in payloads {
            try discovery.add(Array(payload))
            guard case .object(let remote) = try JSONValue.parse(Array(payload)) else { throw Unexpected() }
            tree.add(remote)
        }

        // Check
        let stats = discovery.stats
        #expect(stats.count > 20)
        #expect(Set(stats.keys) == Set(tree.stats.keys))
        for (path, expected) in tree.stats {
            let found = try #require(stats[path])
            #expect(found.setCount == expected.setCount, "\(path)")
            #expect(found.types == expected.types, "\(path)")
            #expect(found.samples == expected.samples, "\(path)")
        }
    }

    // MARK: - Generated payloads

    private static let names = [
        "id", "name", "email", "first_name", "tags", "job", "current_stage", "items", "value", "a/b", "kind", "notes",
    ]

    private static func object(depth: Int, using generator: inout SeededGenerator) -> [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...5, using: &generator) {
            members[names.randomElement(using: &generator)!] = value(depth: depth + 1, using: &generator)
        }
        return members
    }

    private static func value(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let kinds = depth > 10 ? 5 : 8
        switch Int.random(in: 0..<kinds, using: &generator) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(Double(Int.random(in: -3...3, using: &generator)) / 2)
        case 3:
            let length = Int.random(in: 0...100, using: &generator)
            let first = ["ann", "Bob", "c@x.org", "dé"].randomElement(using: &generator)!
            return .string(first + String(repeating: "z", count: length))
        case 4: return .string(["x", "y"].randomElement(using: &generator)!)
        case 5: return .object(object(depth: depth, using: &generator))
        default:
            return .array(
                (0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth: depth + 1, using: &generator) })
        }
    }
}

/// The explorer's scan before `FieldDiscovery`, as it was: each payload parsed into a tree,
/// every leaf path collected with its values, then each path's values added.
private struct TreeScan {
    struct Stats {
        var setCount = 0
        var types = Set<String>()
        var samples: [String] = []
    }

    let model: String
    var stats: [String: Stats] = [:]

    mutating func add(_ remote: [String: JSONValue]) {
        var seen: [String: [JSONValue]] = [:]
        Self.collect(.object(remote), prefix: "", into: &seen, depth: 0)
        for (key, values) in seen {
            let masked = FieldPaths.isPersonal(model: model, path: key)
            let present = values.filter { $0 != .null }
            guard !present.isEmpty else { continue }
            stats[key, default: Stats()].setCount += 1
            for value in present {
                stats[key]!.types.insert(FieldPaths.typeName(value))
                guard stats[key]!.samples.count < 5 else { continue }
                let sample = masked ? FieldPaths.mask(value) : value
                var text = (try? String(decoding: FieldStats.encoder.encode(sample), as: UTF8.self)) ?? ""
                if text.count > 80 { text = String(text.prefix(79)) + "…" }
                if !stats[key]!.samples.contains(text) { stats[key]!.samples.append(text) }
            }
        }
    }

    static func collect(_ value: JSONValue, prefix: String, into seen: inout [String: [JSONValue]], depth: Int) {
        switch value {
        case .object(let fields) where depth < FieldPaths.maxDepth:
            for (name, child) in fields {
                collect(child, prefix: prefix.isEmpty ? name : prefix + "." + name, into: &seen, depth: depth + 1)
            }
        case .array(let items)
        where depth < FieldPaths.maxDepth && items.contains(where: { if case .object = $0 { true } else { false } }):
            for item in items {
                collect(item, prefix: prefix + "[]", into: &seen, depth: depth + 1)
            }
        case .null:
            return
        default:
            guard !prefix.isEmpty else { return }
            seen[prefix, default: []].append(value)
        }
    }
}

private struct Unexpected: Error {}
