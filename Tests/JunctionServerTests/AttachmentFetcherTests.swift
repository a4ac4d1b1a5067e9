import Testing

@testable import JunctionServer

@Suite("Attachment downloads stay on the public internet")
struct AttachmentFetcherTests {
    @Test(
        "loopback, private, link-local and similar addresses are refused; public ones are not",
        arguments: [
            ("127.0.0.1", true), ("10.1.2.3", true), ("172.16.0.1", true), ("172.31.255.255", true),
            ("192.168.1.1", true), ("169.254.169.254", true), ("100.64.0.1", true), ("0.0.0.0", true),
            ("224.0.0.1", true), ("::1", true), ("fe80::1", true), ("fd00::1", true), ("::ffff:127.0.0.1", true),
            ("8.8.8.8", false), ("172.32.0.1", false), ("93.184.216.34", false), ("2606:4700::1111", false),
        ])
    func privateAddresses(address: String, isPrivate: Bool) {
        #expect(HTTPAttachmentFetcher.isPrivate(address) == isPrivate)
    }
}
