import NIOCore

/// Sends SwiftNIO's own writes to a page's connection — the WebSocket layer's pongs and
/// closing frame — through the page's `PageSocket`, where the bridge's frames go: one
/// way out for every byte, so no frame is ever cut into by another. Sits next to the
/// pipeline's head.
final class PageWriteRedirect: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    let socket: PageSocket

    init(socket: PageSocket) { self.socket = socket }

    /// The connection's event loop.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .byteBuffer(let buffer) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)  // a file region: never on a page's connection
            return
        }
        switch buffer.withUnsafeReadableBytes({ socket.write($0, periodic: false) }) {
        case .gone:
            promise?.fail(ChannelError.ioOnClosedChannel)
            context.close(promise: nil)
        default:
            promise?.succeed(())
        }
    }

    /// Nothing of the page's is left for SwiftNIO to flush; anything else's is.
    func flush(context: ChannelHandlerContext) { context.flush() }
}
