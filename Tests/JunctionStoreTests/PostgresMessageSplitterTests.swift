import JunctionTestSupport
import NIOCore
import NIOEmbedded
import SQLKit
import Testing

@testable import JunctionStore

/// `PostgresMessageSplitter` hands PostgresNIO whole messages in runs that its decoder reads to
/// the end without moving bytes (issue 22): whatever the reads' sizes, nothing is lost, added or
/// reordered, and a run ends at its first message reaching 2 KiB.
@Suite("PostgreSQL message splitter", .freshDatabases)
struct PostgresMessageSplitterTests {
    /// A framed message: type byte, a length counting itself and the body, the body.
    static func message(type: Character, bodyLength: Int, fill: UInt8) -> [UInt8] {
        let counted = UInt32(4 + bodyLength)
        return [type.asciiValue!] + withUnsafeBytes(of: counted.bigEndian, Array.init)
            + [UInt8](repeating: fill, count: bodyLength)
    }

    /// The lengths of the whole messages `bytes` holds, or nil when it does not end on a boundary.
    static func frames(_ bytes: [UInt8]) -> [Int]? {
        var lengths: [Int] = []
        var offset = 0
        while offset < bytes.count {
            guard bytes.count - offset >= 5 else { return nil }
            let counted = bytes[(offset + 1)..<(offset + 5)].reduce(0) { $0 << 8 | Int($1) }
            guard offset + 1 + counted <= bytes.count else { return nil }
            lengths.append(1 + counted)
            offset += 1 + counted
        }
        return lengths
    }

    // Bodies from empty to 70,000 bytes: short replies, rows under and over 2 KiB, and a message
    // longer than any read.
    static let bodyLengths = [0, 4, 1_800, 1_800, 1_800, 9_000, 1, 2_043, 2_044, 70_000, 300, 300, 20, 9_000, 0, 5]

    @Test(
        "every message arrives whole, in order, in runs the decoder never moves",
        arguments: [1, 3, 5, 64, 2_048, 8_192, 65_536, 200_000])
    func splitsAtMessages(readSize: Int) throws {
        let messages = Self.bodyLengths.enumerated().map { index, length in
            Self.message(type: "D", bodyLength: length, fill: UInt8(index))
        }
        let sent = messages.flatMap { $0 }
        let channel = EmbeddedChannel(handler: PostgresMessageSplitter())
        defer { _ = try? channel.finish() }

        for start in stride(from: 0, to: sent.count, by: readSize) {
            try channel.writeInbound(ByteBuffer(bytes: sent[start..<min(start + readSize, sent.count)]))
        }

        var received: [UInt8] = []
        while let run = try channel.readInbound(as: ByteBuffer.self) {
            let bytes = Array(run.readableBytesView)
            let lengths = try #require(Self.frames(bytes), "a run that splits a message")
            #expect(!lengths.isEmpty)
            // The decoder moves the unread rest once it has read 2 KiB: only a run's last
            // message may take it there.
            #expect(lengths.dropLast().reduce(0, +) < 2_048, "a run the decoder would move: \(lengths)")
            // A message two reads shared is held in a buffer of its own size, not in a copy
            // of the read it began in (which its row would then keep alive).
            let start = received.count
            let sharesReads = start / readSize != (start + bytes.count - 1) / readSize
            if sharesReads, bytes.count * 2 < readSize {
                #expect(run.storageCapacity < readSize, "a \(bytes.count)-byte message kept in a read's copy")
            }
            received += bytes
        }
        #expect(received == sent)
    }

    @Test("bytes that are not a frame go on unchanged, for PostgresNIO to report")
    func passesOnWhatIsNotAFrame() throws {
        // A length of 2 counts less than the length field itself.
        let garbage: [UInt8] = [UInt8(ascii: "D"), 0, 0, 0, 2, 1, 2, 3]
        let channel = EmbeddedChannel(handler: PostgresMessageSplitter())
        defer { _ = try? channel.finish() }

        try channel.writeInbound(ByteBuffer(bytes: Self.message(type: "Z", bodyLength: 1, fill: 73) + garbage))

        var received: [UInt8] = []
        while let run = try channel.readInbound(as: ByteBuffer.self) { received += Array(run.readableBytesView) }
        #expect(received == Self.message(type: "Z", bodyLength: 1, fill: 73) + garbage)
    }

    @Test("a PostgreSQL answer of rows from 0 bytes to 100 KB reads back exactly")
    func realAnswers() async throws {
        let database = try await FreshDatabases.open(.postgres, migrated: false)
        // Row n holds n·7,919 mod 100,000 copies of one letter: the server's own sizes, and
        // the expected value computed here from n alone.
        let rows = try await database.sql.raw(
            """
            SELECT n, repeat(chr(97 + n % 26), (n * 7919) % 100000) AS text
            FROM generate_series(1, 400) AS n ORDER BY n
            """
        ).all()

        #expect(rows.count == 400)
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            let text = try row.decode(column: "text", as: String.self)
            let letter = Character(Unicode.Scalar(UInt8(97 + n % 26)))
            #expect(text == String(repeating: letter, count: (n * 7919) % 100_000), "row \(n)")
        }
    }
}
