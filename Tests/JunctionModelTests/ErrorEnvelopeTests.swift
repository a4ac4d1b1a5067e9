import Foundation
import JunctionModel
import Testing

@Suite("Error codes and the error envelope")
struct ErrorEnvelopeTests {
    // The closed lists of docs/unified-api.md ("Envelopes and errors"), copied by hand.
    static let generalCodes: Set<String> = [
        "PLATFORM.RATE_LIMIT_EXCEEDED", "PLATFORM.CONCURRENCY_LIMIT_EXCEEDED", "PLATFORM.INTEGRATION_NOT_FOUND",
        "PLATFORM.INPUT_INVALID", "PLATFORM.UNKNOWN_ERROR", "PLATFORM.IP_NOT_WHITELISTED",
        "PLATFORM.AUTHENTICATION_INVALID", "PLATFORM.TASK_TIMED_OUT",
    ]
    static let atsOnlyCodes: Set<String> = [
        "INTEGRATION.PERMISSION_MISSING", "INTEGRATION.AUTHENTICATION_INVALID", "INTEGRATION.QA_FAILED",
        "INTEGRATION.SETUP_SYNC_PENDING", "INTEGRATION.SETUP_INCOMPLETE", "INTEGRATION.INACTIVE",
        "INTEGRATION.MODEL_NOT_AVAILABLE", "INTEGRATION.MODEL_DISABLED", "INTEGRATION.ACTION_NOT_AVAILABLE",
        "INTEGRATION.ACTION_DISABLED", "REMOTE.SERVICE_UNAVAILABLE", "REMOTE.RATE_LIMIT_EXCEEDED",
        "REMOTE.INPUT_INVALID", "REMOTE.UNKNOWN_HTTP_ERROR", "ATS.JOB_CLOSED", "ATS.APPLICATION_ALREADY_EXISTS",
    ]

    @Test("the code list is exactly the SDK's closed list")
    func codesMatchReference() {
        #expect(Set(ErrorCode.allCases.map(\.rawValue)) == Self.generalCodes.union(Self.atsOnlyCodes))
    }

    @Test("general endpoints never answer with an ATS-only code", arguments: ErrorCode.allCases)
    func generalFamilyIsRestricted(code: ErrorCode) {
        #expect(Self.generalCodes.contains(code.restricted(to: .general).rawValue))
        #expect(code.restricted(to: .ats) == code)
    }

    @Test("the envelope has all four error keys, nulls included")
    func envelopeShape() throws {
        let envelope = ErrorEnvelope(APIError(.inputInvalid, "page_size is bad"), family: .general, logURL: nil)

        let object =
            try JSONSerialization.jsonObject(with: UnifiedJSON.makeEncoder().encode(envelope)) as! [String: Any]

        #expect(object["status"] as? String == "error")
        let error = try #require(object["error"] as? [String: Any])
        #expect(Set(error.keys) == ["code", "title", "message", "log_url"])
        #expect(error["code"] as? String == "PLATFORM.INPUT_INVALID")
        #expect(error["message"] as? String == "page_size is bad")
        #expect(error["log_url"] is NSNull)
    }
}
