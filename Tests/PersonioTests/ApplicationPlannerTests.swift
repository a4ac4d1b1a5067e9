import Foundation
import JunctionConnectors
import JunctionModel
import Testing

@testable import Personio

/// The planner's answer rules (docs/personio-mapping.md, "Writing applications"), for every
/// question format, including NUMBER and BOOLEAN, which the sandbox's catalog does not have.
@Suite("Screening answers against their question's format")
struct ApplicationPlannerTests {
    static func question(_ format: QuestionFormat) -> JobScreeningQuestion {
        JobScreeningQuestion(
            ScreeningQuestion(id: "q", remoteID: "custom_attribute_9", title: "Q", format: format), index: 0,
            required: false)
    }

    static let options = [
        QuestionOption(id: "opt-a", name: "A", remoteID: "custom_option_1"),
        QuestionOption(id: "opt-b", name: "B", remoteID: "custom_option_2"),
    ]

    @Test(
        "valid answers become Personio's text values",
        arguments: [
            (QuestionFormat.text(displayType: nil, maxLength: 5), JSONValue.string("short"), "short"),
            (.date, .string("2027-02-01T00:00:00Z"), "2027-02-01"),
            (.date, .string("2027-02-01"), "2027-02-01"),
            (.singleSelect(options: options, displayType: nil), .string("opt-b"), "custom_option_2"),
            (.number(displayType: nil, min: 0, max: 10), .number(7), "7"),
            (.number(displayType: nil, min: nil, max: nil), .number(2.5), "2.5"),
            // Whole numbers beyond Int's range stay numbers (the fuzzer crashed the server with 3e281).
            (.number(displayType: nil, min: nil, max: nil), .number(3e281), "3e+281"),
            (.number(displayType: nil, min: nil, max: nil), .number(-9.3e18), "-9.3e+18"),
            (.boolean, .bool(true), "true"),
        ])
    func valid(format: QuestionFormat, answer: JSONValue, expected: String) throws {
        let value = try ApplicationPlanner.value(of: answer, for: Self.question(format)).get()
        #expect(value == expected)
    }

    @Test(
        "answers that do not fit are refused with a reason",
        arguments: [
            (QuestionFormat.text(displayType: nil, maxLength: 3), JSONValue.string("too long"), "at most 3"),
            (.text(displayType: nil, maxLength: nil), .number(1), "format TEXT"),
            (.date, .string("next spring"), "ISO-8601"),
            (.singleSelect(options: options, displayType: nil), .string("custom_option_1"), "opt-a (A)"),
            (.number(displayType: nil, min: 1, max: 5), .number(9), "at most 5"),
            (.number(displayType: nil, min: 1, max: 5), .number(0), "at least 1"),
            (.boolean, .string("yes"), "format BOOLEAN"),
            (.file(acceptedMimeTypes: nil, maxFileSizeBytes: nil), .string("x"), "format FILE"),
        ])
    func invalid(format: QuestionFormat, answer: JSONValue, reason: String) {
        switch ApplicationPlanner.value(of: answer, for: Self.question(format)) {
        case .success(let value): Issue.record("accepted \(value)")
        case .failure(let mismatch): #expect(mismatch.message.contains(reason), "\(mismatch.message)")
        }
    }
}
