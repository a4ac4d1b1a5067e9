import Foundation
import JunctionModel

// Personio API v2 wire types (`docs/personio-mapping.md` and `docs/personio-sandbox.md`). They never leave this
// target; the mapping turns them into unified records.

/// A v2 list page: `_data` and `_meta.links.next.href`.
struct V2Page<Item: Decodable & Sendable>: Decodable, Sendable {
    var data: [Captured<Item>]
    var meta: Meta?

    struct Meta: Decodable, Sendable {
        var links: Links?
    }

    struct Links: Decodable, Sendable {
        var next: Link?
    }

    struct Link: Decodable, Sendable {
        var href: String?
    }

    enum CodingKeys: String, CodingKey {
        case data = "_data"
        case meta = "_meta"
    }
}

/// A decoded value together with the raw JSON it came from, for `remote_data`.
public struct Captured<Value: Decodable & Sendable>: Decodable, Sendable {
    public let value: Value
    public let raw: JSONValue

    public init(from decoder: any Decoder) throws {
        // Read from a page (`JSONValue.decodeText`), the item is kept as its canonical text:
        // the sync stores it as `remote_data` without a tree in between.
        raw = try JSONValue.raw(of: decoder)
        value = try Value(from: decoder)
    }
}

/// `{"date-time": "…", "timezone": "…"}` or a plain string ([I] both occur, §4.1).
public struct PersonioTimestamp: Decodable, Sendable, Equatable {
    public let date: Date

    /// Every shape Personio's v2 APIs use for a moment: `{"date-time": …}` on recruiting [C3],
    /// `{"date_time": …}` on attendances [C3], `{"date": …}` in the common components [C], a
    /// plain string, and (defensively) epoch seconds or milliseconds.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: AnyKey.self) {
            for name in ["date-time", "date_time", "dateTime", "date", "value"] {
                if let text = try? container.decodeIfPresent(String.self, forKey: AnyKey(name)),
                    let date = UnifiedDate.parse(text)
                {
                    self.date = date
                    return
                }
            }
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "an object without a readable date-time"))
        }
        let single = try decoder.singleValueContainer()
        if let text = try? single.decode(String.self), let date = UnifiedDate.parse(text) {
            self.date = date
            return
        }
        if let number = try? single.decode(Double.self), number.isFinite, number > 0 {
            self.date = Date(timeIntervalSince1970: number > 100_000_000_000 ? number / 1000 : number)
            return
        }
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date-time"))
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// Fields of Personio records that could not be read while a page was decoded. An optional field
/// with an unexpected shape must not fail the page (and with it the run): it is read as absent,
/// its raw value stays in `remote_data`, and the run reports it as a warning.
public final class ReadProblems: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]

    public init() {}

    func add(_ field: String) { lock.withLock { counts[field, default: 0] += 1 } }

    /// One sentence per unreadable field, with how many records had it.
    public var warnings: [String] {
        lock.withLock {
            counts.sorted { $0.key < $1.key }.map { field, count in
                "Personio's \(field) could not be read on \(count) record\(count == 1 ? "" : "s"); read as empty, the raw value is in remote_data."
            }
        }
    }

    static let key = CodingUserInfoKey(rawValue: "junction.personio.readProblems")!
}

extension KeyedDecodingContainer {
    /// An optional field, read as nil (and noted) when its value has an unexpected shape.
    func lenient<T: Decodable>(_ type: T.Type, _ key: Key, record: String, decoder: any Decoder) -> T? {
        do {
            return try decodeIfPresent(T.self, forKey: key)
        } catch {
            (decoder.userInfo[ReadProblems.key] as? ReadProblems)?.add("\(record) field '\(key.stringValue)'")
            return nil
        }
    }
}

/// `{id, name}` references (department, category, channel).
public struct V2Reference: Decodable, Sendable, Equatable {
    public var id: String?
    public var name: String?

    public init(from decoder: any Decoder) throws {
        // The object first: a failed attempt builds an error with its coding path and message,
        // and the string tried first failed for nearly every reference of a FULL (5% of its
        // object allocations).
        if let container = try? decoder.container(keyedBy: CodingKeys.self) {
            id = try Self.flexibleID(container, .id)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            return
        }
        // [I] Some consumers see `category` as a bare string.
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            id = nil
            self.name = name
            return
        }
        // Neither: the object's error, as before.
        _ = try decoder.container(keyedBy: CodingKeys.self)
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a reference"))
    }

    enum CodingKeys: String, CodingKey { case id, name }

    /// A record's own id, which every v2 record has; decoding fails without it.
    static func requiredID<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K, _ what: String) throws
        -> String
    {
        guard let id = try flexibleID(container, key) else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: container.codingPath, debugDescription: "\(what) without id"))
        }
        return id
    }

    /// v2 writes ids as strings; accept numbers too.
    static func flexibleID<K: CodingKey>(_ container: KeyedDecodingContainer<K>, _ key: K) throws -> String? {
        if let text = try? container.decodeIfPresent(String.self, forKey: key) { return text }
        return try container.decodeIfPresent(Int.self, forKey: key).map(String.init)
    }
}

public struct V2Stage: Decodable, Sendable, Equatable {
    public var id: String?
    public var name: String?
    public var kind: String?
    public var type: String?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.flexibleID(container, .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        type = try container.decodeIfPresent(String.self, forKey: .type)
    }

    enum CodingKeys: String, CodingKey { case id, name, kind, type }
}

public struct V2HiringTeamEntry: Decodable, Sendable, Equatable {
    public var personID: String?
    public var role: String?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let person = try container.decodeIfPresent(V2Reference.self, forKey: .person)
        personID = person?.id
        role = try container.decodeIfPresent(RoleName.self, forKey: .role)?.name
    }

    enum CodingKeys: String, CodingKey { case person, role }

    struct RoleName: Decodable, Sendable { var name: String? }
}

public struct V2Job: Decodable, Sendable {
    public var id: String
    public var name: String?
    public var department: V2Reference?
    public var category: V2Reference?
    public var hiringTeam: [V2HiringTeamEntry]?
    public var createdAt: PersonioTimestamp?
    public var updatedAt: PersonioTimestamp?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.requiredID(container, .id, "job")
        name = container.lenient(String.self, .name, record: "job", decoder: decoder)
        department = container.lenient(V2Reference.self, .department, record: "job", decoder: decoder)
        category = container.lenient(V2Reference.self, .category, record: "job", decoder: decoder)
        hiringTeam = container.lenient([V2HiringTeamEntry].self, .hiringTeam, record: "job", decoder: decoder)
        createdAt = container.lenient(PersonioTimestamp.self, .createdAt, record: "job", decoder: decoder)
        updatedAt = container.lenient(PersonioTimestamp.self, .updatedAt, record: "job", decoder: decoder)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, department, category
        case hiringTeam = "hiring_team"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct V2Category: Decodable, Sendable {
    public var id: String
    public var name: String?
    public var stages: [V2Stage]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.flexibleID(container, .id) ?? ""
        name = try container.decodeIfPresent(String.self, forKey: .name)
        stages = try container.decodeIfPresent([V2Stage].self, forKey: .stages) ?? []
    }

    enum CodingKeys: String, CodingKey { case id, name, stages }
}

public struct V2Candidate: Decodable, Sendable {
    public var id: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var phone: String?
    public var location: String?
    public var linkedinProfile: String?
    public var createdAt: PersonioTimestamp?
    public var updatedAt: PersonioTimestamp?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.requiredID(container, .id, "candidate")
        firstName = container.lenient(String.self, .firstName, record: "candidate", decoder: decoder)
        lastName = container.lenient(String.self, .lastName, record: "candidate", decoder: decoder)
        email = container.lenient(String.self, .email, record: "candidate", decoder: decoder)
        phone = container.lenient(String.self, .phone, record: "candidate", decoder: decoder)
        location = container.lenient(String.self, .location, record: "candidate", decoder: decoder)
        linkedinProfile = container.lenient(String.self, .linkedinProfile, record: "candidate", decoder: decoder)
        createdAt = container.lenient(PersonioTimestamp.self, .createdAt, record: "candidate", decoder: decoder)
        updatedAt = container.lenient(PersonioTimestamp.self, .updatedAt, record: "candidate", decoder: decoder)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, phone, location
        case firstName = "first_name"
        case lastName = "last_name"
        case linkedinProfile = "linkedin_profile"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct V2Application: Decodable, Sendable {
    public var id: String
    public var candidateID: String?
    public var jobID: String?
    public var currentStage: V2Stage?
    public var channel: V2Reference?
    public var createdAt: PersonioTimestamp?
    public var updatedAt: PersonioTimestamp?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.requiredID(container, .id, "application")
        candidateID = container.lenient(V2Reference.self, .candidate, record: "application", decoder: decoder)?.id
        jobID = container.lenient(V2Reference.self, .job, record: "application", decoder: decoder)?.id
        currentStage = container.lenient(V2Stage.self, .currentStage, record: "application", decoder: decoder)
        channel = container.lenient(V2Reference.self, .channel, record: "application", decoder: decoder)
        createdAt = container.lenient(PersonioTimestamp.self, .createdAt, record: "application", decoder: decoder)
        updatedAt = container.lenient(PersonioTimestamp.self, .updatedAt, record: "application", decoder: decoder)
    }

    enum CodingKeys: String, CodingKey {
        case id, candidate, job, channel
        case currentStage = "current_stage"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One entry of an application's stage history ([C] §4.4, latest first): the stage entered and when.
public struct V2StageTransition: Decodable, Sendable {
    public var stage: V2Stage?
    public var enteredAt: PersonioTimestamp?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        stage = container.lenient(V2Stage.self, .stage, record: "stage transition", decoder: decoder)
        enteredAt = container.lenient(PersonioTimestamp.self, .enteredAt, record: "stage transition", decoder: decoder)
    }

    enum CodingKeys: String, CodingKey {
        case stage
        case enteredAt = "entered_at"
    }
}

public struct V2Person: Decodable, Sendable {
    public var id: String
    public var firstName: String?
    public var lastName: String?
    public var email: String?
    public var status: String?

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try V2Reference.requiredID(container, .id, "person")
        firstName = container.lenient(String.self, .firstName, record: "person", decoder: decoder)
        lastName = container.lenient(String.self, .lastName, record: "person", decoder: decoder)
        email = container.lenient(String.self, .email, record: "person", decoder: decoder)
        status = container.lenient(String.self, .status, record: "person", decoder: decoder)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status
        case firstName = "first_name"
        case lastName = "last_name"
    }
}
