package javelin.ui.vnc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javelin.devices.display.Framebuffer;
import javelin.devices.input.KeyCode;
import javelin.machine.MachineControl;

/**
 * One RFB client connection (RFC 6143): version and security handshake (3.3, 3.7, 3.8; None or
 * VNC Authentication), ClientInit/ServerInit, then client messages and framebuffer updates.
 *
 * <p>Updates: the client's FramebufferUpdateRequest arms one update; it is sent when this
 * session's dirty tracker has something and the channel is writable. A slow client therefore
 * never queues frames: changes accumulate in the tracker and the next update carries the latest
 * pixels (the "drop to the latest frame"), and the guest never waits on a socket.
 *
 * <p>Hostile input: a message with an unknown type, an impossible pixel format, an over-long cut
 * text or an unknown QEMU sub-message closes this connection with a logged reason; nothing else
 * is affected. Request rectangles are not trusted: updates cover the dirty region clipped to the
 * screen, whatever the client asked for.
 *
 * <p>Threading: everything runs on the channel's event loop; {@link #wake} may be called from any
 * thread (the renderer's frame listener) and hops onto the loop.
 */
final class RfbSession extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RfbSession.class.getName());

    static final String SERVER_VERSION = "RFB 003.008\n";
    static final int VERSION_BYTES = 12;
    static final int SECURITY_NONE = 1;
    static final int SECURITY_VNC_AUTH = 2;
    static final int RESULT_OK = 0;
    static final int RESULT_FAILED = 1;
    static final String DESKTOP_NAME = "Javelin";

    // Client-to-server message types (RFC 6143 7.5) and the QEMU sub-message (rfbproto).
    static final int MSG_SET_PIXEL_FORMAT = 0;
    static final int MSG_SET_ENCODINGS = 2;
    static final int MSG_FRAMEBUFFER_UPDATE_REQUEST = 3;
    static final int MSG_KEY_EVENT = 4;
    static final int MSG_POINTER_EVENT = 5;
    static final int MSG_CLIENT_CUT_TEXT = 6;
    static final int MSG_QEMU = 255;
    static final int QEMU_EXTENDED_KEY_EVENT = 0;
    static final int MSG_FRAMEBUFFER_UPDATE = 0;

    /** Cut text we accept before calling the client hostile; the guest has no clipboard anyway. */
    static final int MAX_CUT_TEXT = 1 << 20;

    // PointerEvent button-mask bits (RFC 6143 7.5.5) and the PS/2 state MachineControl takes.
    private static final int VNC_LEFT = 1;
    private static final int VNC_MIDDLE = 2;
    private static final int VNC_RIGHT = 4;
    private static final int VNC_WHEEL_UP = 8;
    private static final int VNC_WHEEL_DOWN = 16;
    private static final int PS2_LEFT = 1;
    private static final int PS2_RIGHT = 2;
    private static final int PS2_MIDDLE = 4;

    private enum Phase { VERSION, SECURITY_TYPE, AUTH_RESPONSE, CLIENT_INIT, NORMAL, CLOSED }

    private final VncServer server;
    private final MachineControl machine;
    private final Framebuffer fb;
    private final boolean websocket;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private ChannelHandlerContext ctx;
    private ByteBuf in;

    private boolean greeted;
    private Phase phase = Phase.VERSION;
    private int minor;                         // 3, 7 or 8
    private int securityType;
    private byte[] challenge;
    private Framebuffer.DirtyTracker tracker;

    // Negotiated with the client.
    private PixelFormat pf = PixelFormat.SERVER;
    private int preferredEncoding = Encoding.RAW;
    private boolean desktopSize;
    private boolean copyRect;
    /** What the client's screen shows (ARGB, client size), for CopyRect; null until a full update. */
    private int[] shadow;
    private boolean extendedKeys;
    private boolean extendedKeyAckPending;
    private int clientWidth;
    private int clientHeight;

    // Update flow.
    private boolean updateRequested;
    private boolean fullRefresh;
    private final HextileEncoder hextile = new HextileEncoder();
    private ZrleEncoder zrle;

    // Input state, released when the client goes away.
    private final Set<KeyCode> pressed = EnumSet.noneOf(KeyCode.class);
    private boolean pointerSeen;
    private int pointerX;
    private int pointerY;
    private int vncButtons;

    RfbSession(VncServer server, boolean websocket) {
        this.server = server;
        this.machine = server.machine();
        this.fb = machine.framebuffer();
        this.websocket = websocket;
    }

    boolean websocket() {
        return websocket;
    }

    Channel channel() {
        return ctx == null ? null : ctx.channel();
    }

    // ---- lifecycle ----

    @Override public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        in = ctx.alloc().buffer();
        // Over WebSocket this handler is added after the HTTP upgrade, on an active channel.
        if (ctx.channel().isActive()) greet();
    }

    @Override public void channelActive(ChannelHandlerContext ctx) {
        greet();
        ctx.fireChannelActive();
    }

    private void greet() {
        if (greeted) return;     // an accepted socket is active already when the handler is added
        greeted = true;
        server.register(this);
        ctx.writeAndFlush(ascii(SERVER_VERSION));
    }

    @Override public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        for (KeyCode k : pressed) machine.keyEvent(k, false);
        pressed.clear();
        if (toPs2(vncButtons) != 0) machine.mouseEvent(0, 0, 0, 0);
        if (tracker != null) fb.removeDirtyTracker(tracker);
        if (zrle != null) zrle.close();
        server.unregister(this);
        ctx.fireChannelInactive();
    }

    @Override public void handlerRemoved(ChannelHandlerContext ctx) {
        if (in != null) {
            in.release();
            in = null;
        }
    }

    @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        sendUpdate();
        ctx.fireChannelWritabilityChanged();
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("I/O error: " + cause);
    }

    /** Closes this connection only, logging why (the issue: a logged reason, nothing else affected). */
    void fail(String reason) {
        if (phase == Phase.CLOSED) return;
        phase = Phase.CLOSED;
        LOG.log(System.Logger.Level.WARNING, "VNC client " + ctx.channel().remoteAddress() + " disconnected: " + reason);
        ctx.close();
    }

    /** Called from any thread when the framebuffer may have changed. */
    void wake() {
        if (ctx != null && wakePending.compareAndSet(false, true)) {
            ctx.executor().execute(() -> {
                wakePending.set(false);
                sendUpdate();
            });
        }
    }

    void disconnect(String reason) {
        ctx.executor().execute(() -> fail(reason));
    }

    // ---- input parsing ----

    @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        try {
            if (phase == Phase.CLOSED) return;
            in.writeBytes(b);
        } finally {
            b.release();
        }
        while (phase != Phase.CLOSED && step()) {
            // each step consumed one complete message
        }
        if (in != null) in.discardSomeReadBytes();
    }

    /** Handles one complete message if buffered; false when more bytes are needed. */
    private boolean step() {
        return switch (phase) {
            case VERSION -> readVersion();
            case SECURITY_TYPE -> readSecurityType();
            case AUTH_RESPONSE -> readAuthResponse();
            case CLIENT_INIT -> readClientInit();
            case NORMAL -> readMessage();
            case CLOSED -> false;
        };
    }

    private boolean readVersion() {
        if (in.readableBytes() < VERSION_BYTES) return false;
        String v = in.readCharSequence(VERSION_BYTES, StandardCharsets.ISO_8859_1).toString();
        if (!v.matches("RFB \\d{3}\\.\\d{3}\n")) {
            fail("not an RFB client (version string " + printable(v) + ")");
            return false;
        }
        int major = Integer.parseInt(v.substring(4, 7));
        int m = Integer.parseInt(v.substring(8, 11));
        if (major != 3) {
            fail("unsupported RFB version " + printable(v));
            return false;
        }
        // RFC 6143 7.1.1: versions other than 3.3, 3.7 and 3.8 are treated as 3.3 (below 3.7)
        // or 3.8 (above, e.g. Apple's 3.889).
        minor = m < 7 ? 3 : m == 7 ? 7 : 8;
        securityType = server.passwordRequired() ? SECURITY_VNC_AUTH : SECURITY_NONE;
        if (minor == 3) {
            ctx.write(ctx.alloc().buffer(4).writeInt(securityType));
            afterSecurityChosen();
        } else {
            ctx.writeAndFlush(ctx.alloc().buffer(2).writeByte(1).writeByte(securityType));
            phase = Phase.SECURITY_TYPE;
        }
        ctx.flush();
        return true;
    }

    private boolean readSecurityType() {
        if (in.readableBytes() < 1) return false;
        int chosen = in.readUnsignedByte();
        if (chosen != securityType) {
            securityFailed("security type " + chosen + " was not offered");
            return false;
        }
        afterSecurityChosen();
        ctx.flush();
        return true;
    }

    private void afterSecurityChosen() {
        if (securityType == SECURITY_VNC_AUTH) {
            challenge = VncAuth.challenge(server.random());
            ctx.write(ctx.alloc().buffer(VncAuth.CHALLENGE_BYTES).writeBytes(challenge));
            phase = Phase.AUTH_RESPONSE;
            return;
        }
        // RFC 6143 7.1.3: SecurityResult follows type None only from 3.8 on.
        if (minor == 8) ctx.write(ctx.alloc().buffer(4).writeInt(RESULT_OK));
        phase = Phase.CLIENT_INIT;
    }

    private boolean readAuthResponse() {
        if (in.readableBytes() < VncAuth.CHALLENGE_BYTES) return false;
        byte[] answer = new byte[VncAuth.CHALLENGE_BYTES];
        in.readBytes(answer);
        String password = server.password();
        if (password == null || !VncAuth.verify(password, challenge, answer)) {
            securityFailed(password == null ? "no VNC password is set" : "authentication failed");
            return false;
        }
        ctx.writeAndFlush(ctx.alloc().buffer(4).writeInt(RESULT_OK));
        phase = Phase.CLIENT_INIT;
        return true;
    }

    private void securityFailed(String reason) {
        ByteBuf out = ctx.alloc().buffer();
        out.writeInt(RESULT_FAILED);
        if (minor == 8) {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            out.writeInt(r.length).writeBytes(r);
        }
        ctx.writeAndFlush(out);
        fail(reason);
    }

    private boolean readClientInit() {
        if (in.readableBytes() < 1) return false;
        boolean shared = in.readUnsignedByte() != 0;
        server.clientInit(this, shared);
        tracker = fb.newDirtyTracker();
        // A resize after these reads shows in the tracker and reaches the client as DesktopSize.
        clientWidth = fb.width();
        clientHeight = fb.height();
        byte[] name = DESKTOP_NAME.getBytes(StandardCharsets.UTF_8);
        ByteBuf out = ctx.alloc().buffer();
        out.writeShort(clientWidth).writeShort(clientHeight);
        pf.write(out);
        out.writeInt(name.length).writeBytes(name);
        ctx.writeAndFlush(out);
        phase = Phase.NORMAL;
        return true;
    }

    private boolean readMessage() {
        int n = in.readableBytes();
        if (n < 1) return false;
        int type = in.getUnsignedByte(in.readerIndex());
        switch (type) {
            case MSG_SET_PIXEL_FORMAT -> {
                if (n < 4 + PixelFormat.WIRE_BYTES) return false;
                in.skipBytes(4);
                PixelFormat f = PixelFormat.read(in);
                if (f == null) {
                    fail("unsupported pixel format (colour map or impossible field layout)");
                    return false;
                }
                pf = f;
                fullRefresh = true;
            }
            case MSG_SET_ENCODINGS -> {
                if (n < 4) return false;
                int count = in.getUnsignedShort(in.readerIndex() + 2);
                if (n < 4 + 4 * count) return false;
                in.skipBytes(4);
                setEncodings(count);
            }
            case MSG_FRAMEBUFFER_UPDATE_REQUEST -> {
                if (n < 10) return false;
                in.skipBytes(1);
                boolean incremental = in.readUnsignedByte() != 0;
                in.skipBytes(8);       // x, y, w, h: see the class comment
                updateRequested = true;
                if (!incremental) fullRefresh = true;
                sendUpdate();
            }
            case MSG_KEY_EVENT -> {
                if (n < 8) return false;
                in.skipBytes(1);
                boolean down = in.readUnsignedByte() != 0;
                in.skipBytes(2);
                int keysym = in.readInt();
                key(Keysyms.toKey(keysym), down, keysym);
            }
            case MSG_POINTER_EVENT -> {
                if (n < 6) return false;
                in.skipBytes(1);
                pointer(in.readUnsignedByte(), in.readUnsignedShort(), in.readUnsignedShort());
            }
            case MSG_CLIENT_CUT_TEXT -> {
                if (n < 8) return false;
                long length = in.getUnsignedInt(in.readerIndex() + 4);
                if (length > MAX_CUT_TEXT) {
                    fail("cut text of " + length + " bytes exceeds " + MAX_CUT_TEXT);
                    return false;
                }
                if (n < 8 + length) return false;
                in.skipBytes(8 + (int) length);   // the guest has no clipboard channel
            }
            case MSG_QEMU -> {
                if (n < 2) return false;
                int sub = in.getUnsignedByte(in.readerIndex() + 1);
                if (sub != QEMU_EXTENDED_KEY_EVENT) {
                    fail("unknown QEMU client message " + sub);
                    return false;
                }
                if (n < 12) return false;
                in.skipBytes(2);
                boolean down = in.readUnsignedShort() != 0;
                int keysym = in.readInt();
                int keycode = in.readInt();
                KeyCode k = Qnum.toKey(keycode);
                key(k != null ? k : Keysyms.toKey(keysym), down, keysym);
            }
            default -> {
                fail("unknown client message type " + type);
                return false;
            }
        }
        return true;
    }

    private void setEncodings(int count) {
        int preferred = -1;
        boolean ext = false;
        desktopSize = false;
        copyRect = false;
        for (int i = 0; i < count; i++) {
            int e = in.readInt();
            switch (e) {
                case Encoding.RAW, Encoding.HEXTILE, Encoding.ZRLE -> {
                    if (preferred < 0) preferred = e;
                }
                case Encoding.DESKTOP_SIZE -> desktopSize = true;
                case Encoding.COPY_RECT -> copyRect = true;
                case Encoding.QEMU_EXTENDED_KEY_EVENT -> ext = true;
                default -> { }     // unknown encodings are legal and simply not used
            }
        }
        preferredEncoding = preferred < 0 ? Encoding.RAW : preferred;
        if (ext && !extendedKeys) extendedKeyAckPending = true;   // QEMU acknowledges with a pseudo-rect
        extendedKeys = ext;
    }

    private void key(KeyCode key, boolean down, int keysym) {
        if (key == null) {
            server.unknownKeysym(keysym);
            return;
        }
        if (down) {
            pressed.add(key);
        } else if (!pressed.remove(key)) {
            return;     // a release of a key this client never pressed (e.g. after a focus change)
        }
        machine.keyEvent(key, down);
    }

    /**
     * RFB sends absolute positions; the PS/2 mouse is relative, so motion is the difference from
     * the previous event. Wheel "buttons" become one notch per press.
     */
    private void pointer(int mask, int x, int y) {
        int dx = pointerSeen ? x - pointerX : 0;
        int dy = pointerSeen ? y - pointerY : 0;
        pointerSeen = true;
        pointerX = x;
        pointerY = y;
        int pressedNow = mask & ~vncButtons;
        int dz = ((pressedNow & VNC_WHEEL_DOWN) != 0 ? 1 : 0) - ((pressedNow & VNC_WHEEL_UP) != 0 ? 1 : 0);
        boolean buttonsChanged = toPs2(mask) != toPs2(vncButtons);
        vncButtons = mask;
        if (dx != 0 || dy != 0 || dz != 0 || buttonsChanged) machine.mouseEvent(dx, dy, dz, toPs2(mask));
    }

    private static int toPs2(int vncMask) {
        return ((vncMask & VNC_LEFT) != 0 ? PS2_LEFT : 0) | ((vncMask & VNC_RIGHT) != 0 ? PS2_RIGHT : 0)
                | ((vncMask & VNC_MIDDLE) != 0 ? PS2_MIDDLE : 0);
    }

    // ---- updates ----

    private void sendUpdate() {
        if (phase != Phase.NORMAL || !updateRequested || !ctx.channel().isWritable()) return;
        Framebuffer.Dirty dirty = tracker.take();
        boolean resize = false;
        int sw = clientWidth;
        int sh = clientHeight;
        Framebuffer.Rect region = null;
        if (dirty != null) {
            region = dirty.region();
            if (dirty.screenWidth() != clientWidth || dirty.screenHeight() != clientHeight) {
                if (desktopSize) {
                    resize = true;
                    sw = dirty.screenWidth();
                    sh = dirty.screenHeight();
                    region = new Framebuffer.Rect(0, 0, sw, sh);
                }
            }
        }
        if (fullRefresh) region = new Framebuffer.Rect(0, 0, sw, sh);
        region = clip(region, sw, sh);
        if (region == null && !resize && !extendedKeyAckPending) return;   // stay armed
        if (resize) shadow = null;
        int[] fresh = null;
        ScrollDetector.Move move = null;
        if (region != null) {
            fresh = new int[region.width() * region.height()];
            // Rows outside a screen that shrank meanwhile stay black; the resize marks all dirty again.
            fb.copyPixels(region, fresh, 0, region.width());
            if (copyRect && shadow != null) {
                move = ScrollDetector.find(shadow, sw, sh, fresh, region.x(), region.y(), region.width(), region.height());
            }
        }
        int rects = (resize ? 1 : 0) + (extendedKeyAckPending ? 1 : 0);
        if (region != null) rects += move == null ? 1 : 1 + (move.y() > region.y() ? 1 : 0)
                + (move.y() + move.rows() < region.y() + region.height() ? 1 : 0);
        ByteBuf out = ctx.alloc().buffer();
        out.writeByte(MSG_FRAMEBUFFER_UPDATE).writeByte(0).writeShort(rects);
        if (extendedKeyAckPending) {
            rectHeader(out, 0, 0, 0, 0, Encoding.QEMU_EXTENDED_KEY_EVENT);
            extendedKeyAckPending = false;
        }
        if (resize) {
            rectHeader(out, 0, 0, sw, sh, Encoding.DESKTOP_SIZE);
            clientWidth = sw;
            clientHeight = sh;
        }
        if (region != null) {
            if (move == null) {
                encodeRect(region, fresh, 0, region.height(), out);
            } else {
                // CopyRect first: the client copies from its screen before other rectangles change it.
                rectHeader(out, region.x(), move.y(), region.width(), move.rows(), Encoding.COPY_RECT);
                out.writeShort(region.x()).writeShort(move.y() + move.dy());
                int top = move.y() - region.y();
                int bottom = top + move.rows();
                if (top > 0) encodeRect(region, fresh, 0, top, out);
                if (bottom < region.height()) encodeRect(region, fresh, bottom, region.height(), out);
            }
            remember(region, fresh, sw, sh);
        }
        updateRequested = false;
        fullRefresh = false;
        ctx.writeAndFlush(out);
        server.countUpdate(out.writerIndex());
    }

    private static Framebuffer.Rect clip(Framebuffer.Rect r, int w, int h) {
        if (r == null) return null;
        int x0 = Math.max(0, r.x());
        int y0 = Math.max(0, r.y());
        int x1 = Math.min(w, r.x() + r.width());
        int y1 = Math.min(h, r.y() + r.height());
        return x1 > x0 && y1 > y0 ? new Framebuffer.Rect(x0, y0, x1 - x0, y1 - y0) : null;
    }

    private static void rectHeader(ByteBuf out, int x, int y, int w, int h, int encoding) {
        out.writeShort(x).writeShort(y).writeShort(w).writeShort(h).writeInt(encoding);
    }

    /** Keeps the client's view for scroll detection, only when CopyRect may be used. */
    private void remember(Framebuffer.Rect r, int[] fresh, int sw, int sh) {
        if (!copyRect) {
            shadow = null;
            return;
        }
        if (shadow == null || shadow.length != sw * sh) {
            if (r.x() != 0 || r.y() != 0 || r.width() != sw || r.height() != sh) return;   // wait for a full frame
            shadow = new int[sw * sh];
        }
        for (int y = 0; y < r.height(); y++) System.arraycopy(fresh, y * r.width(), shadow, (r.y() + y) * sw + r.x(), r.width());
    }

    /** Encodes rows {@code [fromRow, toRow)} of the region's pixels {@code fresh} as one rectangle. */
    private void encodeRect(Framebuffer.Rect r, int[] fresh, int fromRow, int toRow, ByteBuf out) {
        int w = r.width();
        int h = toRow - fromRow;
        int[] px = new int[w * h];
        for (int i = 0; i < px.length; i++) px[i] = pf.convert(fresh[fromRow * w + i]);
        rectHeader(out, r.x(), r.y() + fromRow, w, h, preferredEncoding);
        switch (preferredEncoding) {
            case Encoding.HEXTILE -> hextile.encode(px, w, h, pf, out);
            case Encoding.ZRLE -> {
                if (zrle == null) zrle = new ZrleEncoder();
                zrle.encode(px, w, h, pf, out);
            }
            default -> {
                out.ensureWritable(px.length * pf.bytesPerPixel());
                for (int p : px) pf.writePixel(out, p);
            }
        }
    }

    // ---- helpers ----

    private ByteBuf ascii(String s) {
        return ctx.alloc().buffer(s.length()).writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    String remote() {
        return String.valueOf(ctx.channel().remoteAddress());
    }
}
