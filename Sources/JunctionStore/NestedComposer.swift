import Foundation
import JunctionModel
import SQLKit

/// Composes the nested objects of candidates and applications from the other tables, as JSON
/// text written over the stored (empty) ones, in the shapes of `docs/unified-api.md`, "Reads".
public struct NestedComposer: Sendable {
    /// Members to write over stored ones, by record id.
    public typealias Overrides = [String: [(key: String, value: [UInt8])]]

    let reader: RecordRepository

    public init(reader: RecordRepository) { self.reader = reader }

    /// The columns an application's nested objects are found by.
    public static let applicationColumns = ["candidate_id", "job_id", "current_stage_id"]

    /// `candidates[].applications[]` members copied from the application's summary or document.
    static let nestedApplicationKeys = JunctionModel.Application.summaryKeys ?? []

    /// `applications[].candidate` members copied from the candidate's document.
    static let nestedCandidateKeys = [
        "id", "remote_id", "first_name", "last_name", "source", "remote_url", "tags", "email_addresses",
        "phone_numbers", "social_media",
    ]

    /// A candidate's live `applications`, each with its `current_stage` and `job`: the array the
    /// store keeps with the candidate (`StoredDocument.nested`) where it has one, else composed
    /// from the other tables (`applicationLists`), which write the same bytes.
    ///
    /// `leavingKept`: a candidate whose array is kept gets none here; the page writes it from the
    /// document (`KeptMembers.candidates`).
    public func candidates(_ candidates: [StoredDocument], integrationID: String, leavingKept: Bool = false)
        async throws -> Overrides
    {
        var overrides: Overrides = [:]
        var missing: [String] = []
        // Through the buffer: a loop's element is a copy of the document (five retains).
        candidates.withUnsafeBufferPointer { candidates in
            for index in candidates.indices {
                if candidates[index].hasNested {
                    if !leavingKept, let kept = candidates[index].nested {
                        overrides[candidates[index].id] = [("applications", kept)]
                    }
                } else {
                    missing.append(candidates[index].id)
                }
            }
        }
        for (id, list) in try await applicationLists(of: missing, integrationID: integrationID) {
            overrides[id] = [("applications", list)]
        }
        return overrides
    }

    /// Each candidate's `applications` array (closing bracket included), composed from the
    /// applications', jobs', stages' and pipeline links' tables in one statement: what a
    /// candidates page shows, and what `RecordRepository.storeNestedApplications` keeps.
    public func applicationLists(of candidateIDs: [String], integrationID: String) async throws -> [String: [UInt8]] {
        try await Self.applicationLists(of: candidateIDs, integrationID: integrationID, on: reader.sql)
    }

    /// `applicationLists`, read on `connection`: a save's transaction composes what it keeps as
    /// that transaction sees it.
    static func applicationLists(of candidateIDs: [String], integrationID: String, on connection: any SQLDatabase)
        async throws -> [String: [UInt8]]
    {
        guard !candidateIDs.isEmpty else { return [:] }
        return try applicationLists(
            of: candidateIDs,
            from: try await RecordRepository.nestedSources(
                integrationID: integrationID, for: .ofCandidates(candidateIDs), on: connection))
    }

    /// A candidates page's save on PostgreSQL in a FULL (`RecordRepository.savePreparedCandidates`):
    /// from one read, the `applications` arrays of the `saved` candidates (with their stored
    /// documents), and the objects of those candidates' applications that keep none, composed
    /// from those documents, as `applicationObjects` would compose them once the save is
    /// committed. Each object comes with the `nested_stamp` read with it, as `keepComposed`
    /// takes it. The read was one of three statements reading the page's applications; the
    /// objects had a read of their own after the save (issue 22).
    static func applicationListsAndObjects(
        ofSaved saved: [(id: String, document: String)], integrationID: String, on connection: any SQLDatabase
    ) async throws -> (lists: [String: [UInt8]], objects: [(id: String, stamp: Int64, list: [UInt8])]) {
        guard !saved.isEmpty else { return ([:], []) }
        let ids = saved.map(\.id)
        var sources = try await RecordRepository.nestedSources(
            integrationID: integrationID, for: .ofSavedCandidates(ids), on: connection)
        let lists = try applicationLists(of: ids, from: sources)
        guard !sources.stamps.isEmpty else { return (lists, []) }
        // What `nestedObjects` takes from a candidate is its document's members.
        sources.candidates = saved.map {
            StoredDocument(
                id: $0.id, document: Array($0.document.utf8), changedAt: Date(timeIntervalSince1970: 0), columns: [:])
        }
        let stamps = sources.stamps.sorted { $0.key < $1.key }.map { (id: $0.key, stamp: $0.value) }
        return (lists, RecordRepository.lists(stamps, try applicationObjects(from: sources)))
    }

    /// The `applications` arrays of `candidateIDs`, of the live applications `sources` read.
    private static func applicationLists(of candidateIDs: [String], from sources: NestedSources) throws
        -> [String: [UInt8]]
    {
        var context = try NestedContext(jobs: sources.jobs, stages: sources.stages, links: sources.links)
        // Each candidate's `applications` array, opened here and closed below.
        var lists = Dictionary(
            candidateIDs.map { id in
                var list = JSONWriter()
                list.beginArray()
                return (id, list)
            }, uniquingKeysWith: { first, _ in first })
        for application in sources.applications where application.remoteDeletedAt == nil {
            guard let candidateID = application.columns["candidate_id"], lists[candidateID] != nil else { continue }
            let stage = context.stage(of: application, full: false)
            try Self.writeNestedApplication(
                application, stage: stage, job: context.job(of: application), into: &lists[candidateID]!)
        }
        return lists.mapValues { list in
            var list = list
            list.endArray()
            return list.bytes
        }
    }

    /// One `candidates[].applications[]` object.
    private static func writeNestedApplication(
        _ application: StoredDocument, stage: [UInt8], job: [UInt8], into writer: inout JSONWriter
    ) throws {
        writer.beginObject()
        try JSONObjectMembers(application.document).copyRequiredMembers(nestedApplicationKeys, into: &writer)
        writer.key("changed_at")
        writer.date(application.changedAt)
        writer.key("current_stage")
        writer.raw(stage)
        writer.key("job")
        writer.raw(job)
        writer.endObject()
    }

    /// An application's `candidate`, `current_stage` and `job`: those the store keeps with the
    /// application (`StoredDocument.nested`) where it has them, else composed from the other
    /// tables (`nestedObjects`), which write the same bytes.
    ///
    /// `leavingKept`: an application whose objects are kept gets none here; the page writes them
    /// from the document (`KeptMembers.applications`).
    public func applications(_ applications: [StoredDocument], integrationID: String, leavingKept: Bool = false)
        async throws -> Overrides
    {
        var overrides: Overrides = [:]
        var missing: [StoredDocument] = []
        // Through the buffer, as in `candidates`: a loop's element is a copy of the document.
        try applications.withUnsafeBufferPointer { applications in
            for index in applications.indices {
                if applications[index].hasNested {
                    if !leavingKept, let kept = applications[index].nested {
                        overrides[applications[index].id] = try KeptMembers.applications.members(of: kept)
                    }
                } else {
                    missing.append(applications[index])
                }
            }
        }
        guard !missing.isEmpty else { return overrides }
        var sources = try await reader.nestedSources(
            integrationID: integrationID, for: .ofApplications(missing.map(\.id)))
        // The join reads the applications again: if a sync changed one since the page was read
        // (moved it to another stage), what the page's own columns point to is read by them.
        if missing.contains(where: { sources.pointers[$0.id] != $0.columns }) {
            sources = try await reader.nestedSources(integrationID: integrationID, pointedToBy: missing)
        }
        for (id, members) in try Self.nestedObjects(of: missing, from: sources) { overrides[id] = members }
        return overrides
    }

    /// Each application's `candidate`, `current_stage` and `job`, from what its columns
    /// (`applicationColumns`) point to in `sources`.
    static func nestedObjects(of applications: [StoredDocument], from sources: NestedSources) throws -> Overrides {
        var nestedCandidates: [String: [UInt8]] = [:]
        for candidate in sources.candidates {
            var writer = JSONWriter()
            writer.beginObject()
            try JSONObjectMembers(candidate.document).copyRequiredMembers(Self.nestedCandidateKeys, into: &writer)
            writer.endObject()
            nestedCandidates[candidate.id] = writer.bytes
        }
        var context = try NestedContext(jobs: sources.jobs, stages: sources.stages, links: sources.links)
        var overrides: Overrides = [:]
        for application in applications {
            overrides[application.id] = [
                (
                    "candidate",
                    application.columns["candidate_id"].flatMap { nestedCandidates[$0] } ?? NestedContext.null
                ),
                ("current_stage", context.stage(of: application, full: true)),
                ("job", context.job(of: application)),
            ]
        }
        return overrides
    }

    /// Each application's kept `nested_objects`: one object holding its `candidate`,
    /// `current_stage` and `job` as a page writes them, composed in one statement on
    /// `connection` from the tables as they are now (what `RecordRepository.storeNestedObjects`
    /// keeps).
    static func applicationObjects(of ids: [String], integrationID: String, on connection: any SQLDatabase)
        async throws -> [String: [UInt8]]
    {
        try applicationObjects(
            from: try await RecordRepository.nestedSources(
                integrationID: integrationID, for: .ofApplications(ids), on: connection))
    }

    /// `applicationObjects`, of the applications `sources` has pointers for (`.ofApplications`,
    /// or those of `.ofSavedCandidates` that keep no objects).
    static func applicationObjects(from sources: NestedSources) throws -> [String: [UInt8]] {
        // The join's own reading of each application's columns: the objects are what they point to now.
        let applications = sources.pointers.map { id, columns in
            StoredDocument(id: id, document: [], changedAt: Date(timeIntervalSince1970: 0), columns: columns)
        }
        return try nestedObjects(of: applications, from: sources).mapValues { members in
            var writer = JSONWriter()
            writer.beginObject()
            for member in members {
                writer.key(member.key)
                writer.raw(member.value)
            }
            writer.endObject()
            return writer.bytes
        }
    }
}

/// The jobs, stages and pipeline positions a page of applications points to (read in one
/// statement, `RecordRepository.nestedSources`), and their nested JSON, written once per
/// distinct object.
public struct NestedContext {
    static let null = [UInt8]("null".utf8)

    var jobs: [String: [UInt8]] = [:]
    var stages: [String: JSONObjectMembers] = [:]
    /// `[job id: [stage id: index as JSON]]`.
    var indexes: [String: [String: ArraySlice<UInt8>]] = [:]
    private var writtenStages: [StageKey: [UInt8]] = [:]

    /// A written `current_stage`, by what it depends on (a key without building a string per application).
    private struct StageKey: Hashable {
        var full: Bool
        var jobID: String
        var stageID: String
    }

    /// From the applications' jobs, stages (deleted ones too) and live (job, stage) links, the
    /// links with their `job_id` and `stage_id` columns.
    public init(jobs: [NestedJob], stages: [StoredDocument], links: [StoredDocument]) throws {
        for job in jobs {
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("id")
            writer.string(job.id)
            writer.key("name")
            writer.string(job.name)
            writer.key("remote_id")
            writer.string(job.remoteID)
            writer.endObject()
            self.jobs[job.id] = writer.bytes
        }
        for stage in stages {
            self.stages[stage.id] = try JSONObjectMembers(stage.document)
        }
        for link in links {
            guard let jobID = link.columns["job_id"], let stageID = link.columns["stage_id"] else { continue }
            indexes[jobID, default: [:]][stageID] = try JSONObjectMembers(link.document).value("index")
        }
    }

    public func job(of application: StoredDocument) -> [UInt8] {
        application.columns["job_id"].flatMap { jobs[$0] } ?? Self.null
    }

    /// `current_stage`: with `status` and `custom_fields` on applications (`full`), without them
    /// inside candidates; `index` is the stage's place in the application's job pipeline, null
    /// when that pipeline lacks it.
    public mutating func stage(of application: StoredDocument, full: Bool) -> [UInt8] {
        guard let stageID = application.columns["current_stage_id"], let stage = stages[stageID] else {
            return Self.null
        }
        let jobID = application.columns["job_id"] ?? ""
        let cacheKey = StageKey(full: full, jobID: jobID, stageID: stageID)
        if let written = writtenStages[cacheKey] { return written }
        var writer = JSONWriter()
        writer.beginObject()
        stage.copyRequiredMembers(["id", "remote_id", "name"], into: &writer)
        writer.key("index")
        writer.raw(indexes[jobID]?[stageID] ?? ArraySlice(Self.null))
        if full { stage.copyRequiredMembers(["status", "custom_fields"], into: &writer) }
        writer.endObject()
        writtenStages[cacheKey] = writer.bytes
        return writer.bytes
    }
}

/// What a record's kept composed column (`SyncedRecord.composedColumn`, read as
/// `StoredDocument.nested`) holds, for a page to write it into the record as it lies.
///
/// An application's page once split each kept object into its three members (a scan of the
/// object and an array for each member): 5.6% of a PostgreSQL applications page's CPU (issue 22,
/// thirty-sixth stop). The object's members are written as one run instead.
public struct KeptMembers: Sendable {
    /// The members the column holds, in the order they are written (`SyncedRecord.composedKeys`).
    public let keys: [String]
    /// Whether the column holds an object of `keys`; else it holds the value of its one key.
    public let isObject: Bool

    /// A candidate's `nested_applications`: its `applications` array.
    public static let candidates = KeptMembers(keys: Candidate.composedKeys, isObject: false)
    /// An application's `nested_objects`: an object of its `candidate`, `current_stage` and `job`.
    public static let applications = KeptMembers(keys: JunctionModel.Application.composedKeys, isObject: true)

    /// The members in `kept`, as pairs of key and value, in `keys` order.
    public func members(of kept: [UInt8]) throws -> [(key: String, value: [UInt8])] {
        guard isObject else { return [(keys[0], kept)] }
        let members = try JSONObjectMembers(kept)
        return try keys.map { key in
            guard let value = members.value(key) else {
                throw StoreError.corruptRow(table: "applications", detail: "nested_objects lacks '\(key)'")
            }
            return (key, Array(value))
        }
    }

    /// Where the members of a kept object lie in its bytes (`"k":v,…`, without the braces),
    /// when it is the object of these keys as the store writes them: braces around, the first
    /// key at once. Its other members are not scanned: the store wrote the object
    /// (`NestedComposer.applicationObjects`), as it wrote the documents a page copies unscanned.
    /// Nil for anything else, which `members(of:)` reads member by member.
    public func objectMembers(in kept: UnsafeRawBufferPointer) -> Range<Int>? {
        guard isObject, kept.count >= 2, kept[0] == UInt8(ascii: "{"), kept[kept.count - 1] == UInt8(ascii: "}")
        else { return nil }
        var offset = 1
        guard kept[offset] == UInt8(ascii: "\"") else { return nil }
        offset += 1
        for byte in keys[0].utf8 {
            guard offset < kept.count, kept[offset] == byte else { return nil }
            offset += 1
        }
        guard offset + 1 < kept.count, kept[offset] == UInt8(ascii: "\""), kept[offset + 1] == UInt8(ascii: ":")
        else { return nil }
        return 1..<(kept.count - 1)
    }
}
