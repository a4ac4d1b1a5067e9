import NIOCore

/// Hands PostgresNIO the server's answer in runs of whole messages, each a slice of the bytes read.
///
/// PostgresNIO decodes what a read brought (up to 64 KiB) message by message, and after each
/// message past its first 2 KiB moves the bytes still unread to the front of its buffer
/// (`NIOSingleStepByteToMessageProcessor`, `discardReadBytes`). A read of k rows is then moved
/// about k/2 times over: on a jobs page (100 documents of 9 KB) that memory move was a tenth of
/// Junction's CPU (issue 22). A buffer that ends where the decoder's first move would happen is
/// read to its end, and an empty buffer is reset without a move; the only bytes this copies are
/// a message split between two reads.
///
/// Every message PostgreSQL sends after the startup request is framed the same way: a type
/// byte, then a 32-bit length that counts itself and the body. Only a connection without TLS
/// gets this handler: TLS answers its request with a single unframed byte, and NIOSSL hands
/// over at most one record (16 KiB) at a time anyway.
final class PostgresMessageSplitter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The start of a message whose end has not been read yet.
    private var partial: ByteBuffer?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if var head = partial {
            partial = nil
            guard Self.complete(&head, from: &chunk) else {
                partial = head
                return
            }
            context.fireChannelRead(wrapInboundOut(head))
        }
        // Whole messages go on in runs that end once they reach the decoder's 2 KiB: it moves
        // nothing before then, and a run of small messages (a candidates page's rows of 1–2 KB,
        // a statement's short replies) costs one call instead of one each.
        var run = chunk  // the run starts at its reader index
        while let length = Self.length(of: chunk), chunk.readableBytes >= length {
            chunk.moveReaderIndex(forwardBy: length)
            if chunk.readerIndex - run.readerIndex >= Self.decoderReclaimsAfter {
                context.fireChannelRead(wrapInboundOut(run.readSlice(length: chunk.readerIndex - run.readerIndex)!))
                run = chunk
            }
        }
        if chunk.readerIndex > run.readerIndex {
            context.fireChannelRead(wrapInboundOut(run.readSlice(length: chunk.readerIndex - run.readerIndex)!))
        }
        guard Self.length(of: chunk) != nil || chunk.readableBytes < Self.headerLength else {
            // Not a frame: PostgresNIO's decoder reports it.
            context.fireChannelRead(wrapInboundOut(chunk))
            return
        }
        // Only the message's own bytes: the first write to a shared buffer copies its whole
        // window, which for the read itself is all of it (up to 64 KiB).
        if chunk.readableBytes > 0 { partial = chunk.slice() }
    }

    /// Type byte and length.
    private static let headerLength = 5
    /// Bytes read after which the decoder moves what is left to its buffer's front
    /// (`ByteToMessageDecoder.shouldReclaimBytes`).
    private static let decoderReclaimsAfter = 2048

    /// The whole message's length at the reader index, once its header is there; nil when the
    /// header is incomplete or its length is not a frame's (under 4).
    private static func length(of buffer: ByteBuffer) -> Int? {
        guard buffer.readableBytes >= headerLength,
            let counted = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self), counted >= 4
        else { return nil }
        return 1 + Int(counted)
    }

    /// Moves into `head` the bytes of `chunk` that its message still lacks; true once it is whole.
    private static func complete(_ head: inout ByteBuffer, from chunk: inout ByteBuffer) -> Bool {
        if head.readableBytes < headerLength {
            var piece = chunk.readSlice(length: min(headerLength - head.readableBytes, chunk.readableBytes))!
            head.writeBuffer(&piece)
        }
        guard head.readableBytes >= headerLength else { return false }
        guard let length = length(of: head) else {
            // Not a frame: what follows goes to the decoder with it, which reports it.
            head.writeBuffer(&chunk)
            return true
        }
        var piece = chunk.readSlice(length: min(length - head.readableBytes, chunk.readableBytes))!
        head.writeBuffer(&piece)
        return head.readableBytes == length
    }
}
