import Foundation
import JunctionModel

// Personio API v2 wire types (`../shared/reference/personio-api.md` §4). They never leave this
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
        raw = try JSONValue(from: decoder)
        value = try Value(from: decoder)
    }
}

/// `{"date-time": "…", "timezone": "…"}` or a plain string ([I] both occur, §4.1).
public struct PersonioTimestamp: Decodable, Sendable, Equatable {
    public let date: Date

    public init(from decoder: any Decoder) throws {
        let text: String
        if let container = try? decoder.container(keyedBy: CodingKeys.self),
            let value = try container.decodeIfPresent(String.self, forKey: .dateTime)
        {
            text = value
        } else {
            text = try decoder.singleValueContainer().decode(String.self)
        }
        guard let date = UnifiedDate.parse(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a date-time"))
        }
        self.date = date
    }

    enum CodingKeys: String, CodingKey { case dateTime = "date-time" }
}

/// `{id, name}` references (department, category, channel).
public struct V2Reference: Decodable, Sendable, Equatable {
    public var id: String?
    public var name: String?

    public init(from decoder: any Decoder) throws {
        // [I] Some consumers see `category` as a bare string.
        if let name = try? decoder.singleValueContainer().decode(String.self) {
            id = nil
            self.name = name
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try Self.flexibleID(container, .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
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
        name = try container.decodeIfPresent(String.self, forKey: .name)
        department = try container.decodeIfPresent(V2Reference.self, forKey: .department)
        category = try container.decodeIfPresent(V2Reference.self, forKey: .category)
        hiringTeam = try container.decodeIfPresent([V2HiringTeamEntry].self, forKey: .hiringTeam)
        createdAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .updatedAt)
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
        firstName = try container.decodeIfPresent(String.self, forKey: .firstName)
        lastName = try container.decodeIfPresent(String.self, forKey: .lastName)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        phone = try container.decodeIfPresent(String.self, forKey: .phone)
        location = try container.decodeIfPresent(String.self, forKey: .location)
        linkedinProfile = try container.decodeIfPresent(String.self, forKey: .linkedinProfile)
        createdAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .updatedAt)
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
        candidateID = try container.decodeIfPresent(V2Reference.self, forKey: .candidate)?.id
        jobID = try container.decodeIfPresent(V2Reference.self, forKey: .job)?.id
        currentStage = try container.decodeIfPresent(V2Stage.self, forKey: .currentStage)
        channel = try container.decodeIfPresent(V2Reference.self, forKey: .channel)
        createdAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(PersonioTimestamp.self, forKey: .updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, candidate, job, channel
        case currentStage = "current_stage"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
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
        firstName = try container.decodeIfPresent(String.self, forKey: .firstName)
        lastName = try container.decodeIfPresent(String.self, forKey: .lastName)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        status = try container.decodeIfPresent(String.self, forKey: .status)
    }

    enum CodingKeys: String, CodingKey {
        case id, email, status
        case firstName = "first_name"
        case lastName = "last_name"
    }
}
