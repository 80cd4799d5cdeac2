package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Carries RFB inside binary WebSocket frames (RFC 6455), as noVNC speaks it without a
 * subprotocol: inbound frame payloads become a byte stream for {@link RfbSession}, outbound bytes
 * become binary frames. The RFB session is added only once the HTTP upgrade has completed, so the
 * server's version string is the first WebSocket message. Text frames (the obsolete base64
 * subprotocol) close the connection.
 */
final class WebSocketFrames extends ChannelDuplexHandler {
    private final VncServer server;

    WebSocketFrames(VncServer server) {
        this.server = server;
    }

    @Override public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            ctx.pipeline().addLast(new RfbSession(server, true));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame f) {
            ctx.fireChannelRead(f.content().retain());
            f.release();
        } else if (msg instanceof WebSocketFrame f) {
            f.release();
            System.getLogger(WebSocketFrames.class.getName()).log(System.Logger.Level.WARNING,
                    "VNC WebSocket client " + ctx.channel().remoteAddress() + " sent a non-binary frame; closing");
            ctx.close();
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            ctx.write(new BinaryWebSocketFrame(b), promise);
        } else {
            ctx.write(msg, promise);
        }
    }
}
