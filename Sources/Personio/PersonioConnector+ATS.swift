import Foundation
import JunctionConnectors
import JunctionModel

extension PersonioConnector: ATSConnector {
    public func requestCount() async -> Int { await client.requestCount }

    public func isAuthenticationFailure(_ error: any Error) -> Bool {
        (error as? PersonioError)?.isAuthenticationFailure == true
    }

    public func isPermissionFailure(_ error: any Error) -> Bool {
        if case .forbidden? = error as? PersonioError { return true }
        return false
    }

    /// A v2 application embeds its candidate (`candidate.email`, `first_name`, `last_name`,
    /// `gender`), and a candidate's edit does not move its applications' `updated_at`. The copy is
    /// refreshed from the candidate's own v2 record, member by member where both have it, and
    /// the application mapped again from the refreshed item: what the next listing will show.
    public func applicationsEmbedding(_ candidates: [Candidate], stored: [Application]) -> [Application] {
        let byID = Dictionary(candidates.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let mapper = CandidateMapper(integrationID: integrationID)
        return stored.compactMap { application in
            guard let candidateID = application.candidateID,
                // Trees read from their text: a candidate just read keeps its item as text.
                case .object(let fresh)? = byID[candidateID]?.remoteData?["candidate"]?.tree,
                case .object(var item)? = application.remoteData?["application"]?.tree,
                case .object(var copy)? = item["candidate"]
            else { return nil }
            let before = copy
            for key in copy.keys where key != "id" {
                if let value = fresh[key] { copy[key] = value }
            }
            guard copy != before else { return nil }
            item["candidate"] = .object(copy)
            guard let data = try? JSONEncoder().encode(JSONValue.object(item)),
                let captured = try? JSONDecoder().decode(Captured<V2Application>.self, from: data)
            else { return nil }
            return mapper.map(captured)
        }
    }
}
