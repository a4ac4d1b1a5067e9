import Testing

@testable import JunctionServer

/// `Server-Timing`'s durations: milliseconds with three decimals, as the benchmarks read them.
@Suite("Server-Timing durations")
struct ServerTimingTests {
    @Test("durations are milliseconds with three decimals, rounded to the microsecond")
    func format() {
        #expect(RequestMetricsMiddleware.milliseconds(.zero) == "0.000")
        #expect(RequestMetricsMiddleware.milliseconds(.nanoseconds(1_234_567)) == "1.235")
        #expect(RequestMetricsMiddleware.milliseconds(.nanoseconds(1_234_499)) == "1.234")
        #expect(RequestMetricsMiddleware.milliseconds(.nanoseconds(999_999)) == "1.000")
        #expect(RequestMetricsMiddleware.milliseconds(.microseconds(40)) == "0.040")
        #expect(RequestMetricsMiddleware.milliseconds(.milliseconds(12)) == "12.000")
        #expect(RequestMetricsMiddleware.milliseconds(.seconds(3_725) + .microseconds(7)) == "3725000.007")
    }
}
