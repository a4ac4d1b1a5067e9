import Foundation
import JunctionConnectors
import JunctionModel
import Testing

@testable import Personio

@Suite("Waits Personio's headers ask for")
struct HeaderDurationTests {
    // Header values are remote input: none may trap (as Int(_:) of NaN or 1e300 does).
    @Test(
        "NaN and infinity are ignored; the rest is clamped to between zero and a year",
        arguments: [
            (Double.nan, Duration?.none), (.infinity, nil), (-.infinity, nil), (1e300, .seconds(86_400 * 365)),
            (-5, .zero), (1.5, .milliseconds(1500)), (0, .zero),
        ])
    func duration(seconds: Double, expected: Duration?) {
        #expect(RetryPolicy.wait(seconds: seconds) == expected)
    }
}
