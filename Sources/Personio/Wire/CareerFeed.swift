import Foundation
import JunctionModel

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One `<position>` of the career-site XML feed (§1.2). Optional elements stay nil when absent.
public struct FeedPosition: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var name: String
        public var html: String
    }

    public struct Salary: Sendable, Equatable {
        public var min: Double?
        public var max: Double?
        public var currencyCode: String?
        public var type: String?
    }

    public var id: String = ""
    public var subcompany: String?
    public var office: String?
    public var additionalOffices: [String] = []
    public var department: String?
    public var recruitingCategory: String?
    public var name: String?
    public var descriptions: [Section] = []
    public var employmentType: String?
    public var seniority: String?
    public var schedule: String?
    public var yearsOfExperience: String?
    public var keywords: String?
    public var occupation: String?
    public var occupationCategory: String?
    public var createdAt: Date?
    public var salary: Salary?

    /// The raw element texts, for `remote_data`.
    public var raw: [String: JSONValue] = [:]
}

/// Reads the XML feed with the platform's streaming parser.
enum CareerFeedParser {
    static func parse(_ data: Data) throws(PersonioError) -> [FeedPosition] {
        let parser = XMLParser(data: data)
        let delegate = Delegate()
        parser.delegate = delegate
        guard parser.parse(), delegate.sawRoot else {
            throw .malformedResponse(
                "the career-site XML feed is not well-formed: \(parser.parserError.map { "\($0)" } ?? "no <workzag-jobs> root")"
            )
        }
        return delegate.positions
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var positions: [FeedPosition] = []
        var sawRoot = false
        /// The position being read, in a box of its own: its members change in place at each
        /// element's end. Held as an optional struct, taken out and put back at every element,
        /// it cost 3% of a FULL's `swift_retain` calls (seven languages of 200 jobs,
        /// `benchmarks/analysis.md`, thirty-seventh stop).
        private final class Open {
            var position = FeedPosition()
        }
        private var current: Open?
        private var path: [String] = []
        private var text = ""
        private var sectionName = ""
        private var salary = FeedPosition.Salary()
        /// Elements open below the current position, with the children each has so far: the raw
        /// tree `remote_data` keeps whole (sections, offices, salary included).
        private var rawStack: [(name: String, children: [(String, JSONValue)])] = []

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if name == "workzag-jobs" { sawRoot = true }
            if name == "position" { current = Open() }
            if current != nil, name != "position" { rawStack.append((name, [])) }
            if name == "salaryInformation" { salary = FeedPosition.Salary() }
            path.append(name)
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, foundCDATA block: Data) { text += String(decoding: block, as: UTF8.self) }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            path.removeLast()
            let value = Self.trimmed(text)
            text = ""
            guard let open = current else { return }
            let parent = path.last
            if name != "position", let element = rawStack.popLast() {
                let raw = Self.raw(element.name, children: element.children, text: value)
                if rawStack.isEmpty {
                    open.position.raw[name] = raw
                } else {
                    rawStack[rawStack.count - 1].children.append((name, raw))
                }
            }
            switch (parent, name) {
            case (_, "position"):
                positions.append(open.position)
                current = nil
            case ("additionalOffices", "office"): open.position.additionalOffices.append(value)
            case ("jobDescription", "name"): sectionName = value
            case ("jobDescription", "value"): open.position.descriptions.append(.init(name: sectionName, html: value))
            case ("salaryInformation", "min"): salary.min = Double(value)
            case ("salaryInformation", "max"): salary.max = Double(value)
            case ("salaryInformation", "currencyCode"): salary.currencyCode = value.isEmpty ? nil : value
            case ("salaryInformation", "type"): salary.type = value.isEmpty ? nil : value
            case ("position", "salaryInformation"): open.position.salary = salary
            case ("position", _):
                let optional = value.isEmpty ? nil : value
                switch name {
                case "id": open.position.id = value
                case "subcompany": open.position.subcompany = optional
                case "office": open.position.office = optional
                case "department": open.position.department = optional
                case "recruitingCategory": open.position.recruitingCategory = optional
                case "name": open.position.name = optional
                case "employmentType": open.position.employmentType = optional
                case "seniority": open.position.seniority = optional
                case "schedule": open.position.schedule = optional
                case "yearsOfExperience": open.position.yearsOfExperience = optional
                case "keywords": open.position.keywords = optional
                case "occupation": open.position.occupation = optional
                case "occupationCategory": open.position.occupationCategory = optional
                // [C3] Two offset forms occur: +0200 and +00:00; the unified parser reads both.
                case "createdAt": open.position.createdAt = UnifiedDate.parse(value)
                default: break
                }
            default: break
            }
        }

        /// `text` without leading and trailing white space and newlines (Foundation's set, which
        /// on this platform holds U+200B too), without bridging through `NSString`: that was a
        /// quarter of a quiet DELTA's CPU at 1,000 jobs.
        static func trimmed(_ text: String) -> String { text.trimmingScalars(in: .whitespacesAndNewlines) }

        /// An element as JSON: its text when it has no child elements; the list of its children
        /// for the feed's list elements; otherwise an object by child name (a repeated name
        /// becomes a list).
        static func raw(_ name: String, children: [(String, JSONValue)], text: String) -> JSONValue {
            guard !children.isEmpty else { return .string(text) }
            if name == "jobDescriptions" || name == "additionalOffices" { return .array(children.map(\.1)) }
            var object: [String: JSONValue] = [:]
            for (child, value) in children {
                switch object[child] {
                case nil: object[child] = value
                case .array(let items)?: object[child] = .array(items + [value])
                case let first?: object[child] = .array([first, value])
                }
            }
            return .object(object)
        }
    }
}

extension String {
    /// This text without the scalars of `set` at either end, as `trimmingCharacters(in:)` gives
    /// it, looking only at the end scalars instead of bridging through `NSString`; untouched
    /// text is returned as it is.
    func trimmingScalars(in set: CharacterSet) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !set.contains($0) })!
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}
