import JunctionServer
import Personio

extension JunctionConfiguration {
    /// Who Junction says it is to Personio.
    var personioIdentity: PersonioIdentity {
        PersonioIdentity(partnerID: personioPartnerID, appID: personioAppID)
    }
}
