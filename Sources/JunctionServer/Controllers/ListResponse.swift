import Foundation
import JunctionModel
import JunctionStore

/// Writes a list response from stored documents. Each record's stored JSON is copied member by
/// member without being decoded; over it go what the store keeps in columns (`changed_at`,
/// `remote_deleted_at`), the nested objects composed from other tables, and the field projection.
/// Issue 9's profile found decoding and re-encoding the documents (mostly their `remote_data`)
/// to be more than half of a list request's CPU.
enum ListResponseWriter {
    static func write(
        _ documents: [StoredDocument], leading: [String], next: String?, overrides: NestedComposer.Overrides,
        projection: FieldProjection?
    ) throws -> [UInt8] {
        try envelope(warnings: nil, capacity: documents.reduce(256) { $0 + $1.document.count + 64 }) { writer in
            writer.beginObject()
            // `next` is required by the SDK even on the last page.
            writer.key("next")
            writer.string(next)
            writer.key("results")
            writer.beginArray()
            for document in documents {
                try record(
                    document, leading: leading, overrides: overrides[document.id] ?? [], projection: projection,
                    into: &writer)
            }
            writer.endArray()
            writer.endObject()
        }
    }

    /// `{"status":"success","data":…}` in `SuccessEnvelope`'s shape, `data` written by `body`;
    /// `warnings` only when given (ATS actions carry them, lists do not).
    static func envelope(
        warnings: [String]?, capacity: Int, data body: (inout JSONWriter) throws -> Void
    ) rethrows -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.beginObject()
        writer.key("status")
        writer.string("success")
        writer.key("data")
        try body(&writer)
        if let warnings {
            writer.key("warnings")
            writer.beginArray()
            for warning in warnings {
                writer.beginObject()
                writer.key("message")
                writer.string(warning)
                writer.endObject()
            }
            writer.endArray()
        }
        writer.endObject()
        return writer.bytes
    }

    /// One record: its stored members, then the store's columns and `overrides` over them.
    ///
    /// A document stored with the members written over it first (`leading`, see
    /// `SyncedRecord.leadingKeys`) has the rest copied as one run of bytes; any other (stored
    /// before that order, or with a projection or `omitting` to apply) has its members scanned
    /// and copied one by one. Both write the same bytes (`StoredOrderTests`).
    static func record(
        _ document: StoredDocument, leading: [String] = [], overrides: [(key: String, value: [UInt8])],
        projection: FieldProjection?, omitting: [String] = [], into writer: inout JSONWriter
    ) throws {
        let maintained = ["changed_at", "remote_deleted_at"]
        // `leadingKeys` lists the composed keys in the order `NestedComposer` writes them, so the
        // members this record leaves out are exactly the leading ones when the two lists are equal.
        if projection == nil, omitting.isEmpty, maintained + overrides.map(\.key) == leading,
            let rest = JSONObjectMembers.afterLeading(leading, in: document.document)
        {
            writer.beginObject()
            writer.rawMembers(rest)
            writeOver(document, overrides, into: &writer)
            return
        }
        let members = try JSONObjectMembers(document.document)
        var written = overrides
        if let projection { written += try FieldCarryingProjection.members(projection, of: members) }
        writer.beginObject()
        members.copyMembers(into: &writer, excluding: maintained + written.map(\.key) + omitting)
        writeOver(document, written, into: &writer)
    }

    /// The store's columns and `written`, closing the record's object.
    private static func writeOver(
        _ document: StoredDocument, _ written: [(key: String, value: [UInt8])], into writer: inout JSONWriter
    ) {
        writer.key("changed_at")
        writer.date(document.changedAt)
        writer.key("remote_deleted_at")
        writer.date(document.remoteDeletedAt)
        for member in written {
            writer.key(member.key)
            writer.raw(member.value)
        }
        writer.endObject()
    }
}

/// Composes the nested objects of candidates and applications from the other tables, as JSON
/// text written over the stored (empty) ones, in the shapes of `docs/unified-api.md`, "Reads".
struct NestedComposer: Sendable {
    /// Members to write over stored ones, by record id.
    typealias Overrides = [String: [(key: String, value: [UInt8])]]

    let reader: RecordRepository

    /// The columns an application's nested objects are found by.
    static let applicationColumns = ["candidate_id", "job_id", "current_stage_id"]

    /// `candidates[].applications[]` members copied from the application's summary or document.
    static let nestedApplicationKeys = JunctionModel.Application.summaryKeys ?? []

    /// `applications[].candidate` members copied from the candidate's document.
    static let nestedCandidateKeys = [
        "id", "remote_id", "first_name", "last_name", "source", "remote_url", "tags", "email_addresses",
        "phone_numbers", "social_media",
    ]

    /// A candidate's live `applications`, each with its `current_stage` and `job`.
    func candidates(_ candidates: [StoredDocument], integrationID: String) async throws -> Overrides {
        let sources = try await reader.nestedSources(
            integrationID: integrationID, for: .ofCandidates(candidates.map(\.id)))
        let applications = sources.applications
        var context = try NestedContext(jobs: sources.jobs, stages: sources.stages, links: sources.links)
        // Each candidate's `applications` array, opened here and closed below.
        var lists = Dictionary(
            uniqueKeysWithValues: candidates.map { candidate in
                var list = JSONWriter()
                list.beginArray()
                return (candidate.id, list)
            })
        for application in applications {
            guard let candidateID = application.columns["candidate_id"], lists[candidateID] != nil else { continue }
            let stage = context.stage(of: application, full: false)
            try Self.writeNestedApplication(
                application, stage: stage, job: context.job(of: application), into: &lists[candidateID]!)
        }
        return lists.mapValues { list in
            var list = list
            list.endArray()
            return [("applications", list.bytes)]
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

    /// An application's `candidate`, `current_stage` and `job`.
    func applications(_ applications: [StoredDocument], integrationID: String) async throws -> Overrides {
        var sources = try await reader.nestedSources(
            integrationID: integrationID, for: .ofApplications(applications.map(\.id)))
        // The join reads the applications again: if a sync changed one since the page was read
        // (moved it to another stage), what the page's own columns point to is read by them.
        if applications.contains(where: { sources.pointers[$0.id] != $0.columns }) {
            sources = try await reader.nestedSources(integrationID: integrationID, pointedToBy: applications)
        }
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
}

/// The jobs, stages and pipeline positions a page of applications points to (read in one
/// statement, `RecordRepository.nestedSources`), and their nested JSON, written once per
/// distinct object.
struct NestedContext {
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
    init(jobs: [NestedJob], stages: [StoredDocument], links: [StoredDocument]) throws {
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

    func job(of application: StoredDocument) -> [UInt8] {
        application.columns["job_id"].flatMap { jobs[$0] } ?? Self.null
    }

    /// `current_stage`: with `status` and `custom_fields` on applications (`full`), without them
    /// inside candidates; `index` is the stage's place in the application's job pipeline, null
    /// when that pipeline lacks it.
    mutating func stage(of application: StoredDocument, full: Bool) -> [UInt8] {
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
