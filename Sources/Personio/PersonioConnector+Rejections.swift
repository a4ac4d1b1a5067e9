import Foundation
import JunctionModel

/// When a declined application was rejected or withdrawn.
///
/// [C3] v2 applications carry no rejection time, and their `updated_at` moves whenever anything
/// touches the application afterwards (a note, a tag, Personio's automatic GDPR anonymization).
/// The application's stage history ([C] §4.4) says when it entered its rejected or withdrawn
/// stage; one request per application, so it is read for applications whose stage changed since
/// the last run (at most `stageHistoryReads` per run), and for a few stored ones never dated
/// from it (`stageHistoryBacklog` per run), never on first sight: a first sync stays as fast as
/// the listings allow, and takes the last update until a later run reads the history. The
/// history's raw entries are kept in `remote_data.stage_transitions`: an application that has
/// them is dated for good, and later runs keep its time while its stage stays.
extension PersonioConnector {
    public func datingRejections(_ applications: [Application], stored: [String: Application]) async -> [Application] {
        var dated = applications
        for index in dated.indices where dated[index].outcome == Application.Outcome.declined.rawValue {
            let application = dated[index]
            let previous = stored[application.id]
            let sameStage =
                previous?.outcome == application.outcome && previous?.currentStageID == application.currentStageID
            if sameStage, let previous, let history = previous.remoteData?[Self.stageHistoryKey] {
                dated[index].rejectedAt = previous.rejectedAt
                dated[index].remoteData?[Self.stageHistoryKey] = history
                continue
            }
            // Until its history is read, the earliest update seen in this stage is the closest guess.
            if sameStage, let earlier = previous?.rejectedAt, earlier < application.rejectedAt ?? .distantFuture {
                dated[index].rejectedAt = earlier
            }
            // First sight (a first sync, or an application new since the last run): the last update.
            guard previous != nil, let remoteID = application.remoteID,
                await notes.takeStageHistoryRead(backlog: sameStage)
            else { continue }
            guard let history = await stageHistory(applicationRemoteID: remoteID) else { continue }
            dated[index].remoteData?[Self.stageHistoryKey] = .array(history.map(\.raw))
            if let entered = Self.rejectionTime(history.map(\.value)) { dated[index].rejectedAt = entered }
        }
        return dated
    }

    static let stageHistoryKey = "stage_transitions"

    /// The latest move into a rejected or withdrawn stage (the list is latest first [C], but the
    /// times decide).
    static func rejectionTime(_ transitions: [V2StageTransition]) -> Date? {
        transitions.filter { transition in
            guard let stage = transition.stage, let kind = CandidateMapper.systemKind(stage) else { return false }
            return kind == "rejected" || kind == "withdrawn"
        }.compactMap(\.enteredAt?.date).max()
    }

    /// An application's stage history, or nil when it cannot be read: gone since it was listed
    /// (404), or the history cannot be read at all this run (then no more are asked, and the run
    /// says why). The history only dates rejections; it never fails a run.
    func stageHistory(applicationRemoteID id: String) async -> [Captured<V2StageTransition>]? {
        // Personio's ids are numbers; anything else cannot be in a path.
        guard !id.isEmpty, id.allSatisfy(\.isASCII), id.allSatisfy(\.isNumber) else { return nil }
        let entries = TransitionList()
        do {
            try await client.forEachPage(
                of: V2StageTransition.self, path: "/v2/recruiting/applications/\(id)/stage-transitions",
                limit: pageSize, problems: notes.problems
            ) { page in await entries.append(page) }
        } catch PersonioError.notFound {
            return nil
        } catch {
            if Task.isCancelled { return nil }
            await notes.stageHistoryUnavailable(
                "Application stage histories could not be read (\(error)); rejected_at of applications rejected since the last run is their last update in Personio until a later run reads it."
            )
            return nil
        }
        return await entries.items
    }
}

/// Collects stage-transition pages handed to a `@Sendable` callback.
actor TransitionList {
    private(set) var items: [Captured<V2StageTransition>] = []
    func append(_ page: [Captured<V2StageTransition>]) { items += page }
}
