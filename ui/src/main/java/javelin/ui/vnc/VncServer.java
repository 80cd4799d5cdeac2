package javelin.ui.vnc;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javelin.machine.MachineControl;
import javelin.machine.CharDevSpec;
import javelin.ui.chardev.Sockets;
import javelin.ui.qmp.VncMonitor;

/**
 * The VNC server ({@code -vnc}): a TCP listener for RFB clients and, optionally, a WebSocket
 * listener for browsers (noVNC). Every client is an {@link RfbSession} with its own framebuffer
 * dirty tracker, so clients never take each other's updates.
 *
 * <p>Invariants: [VNC-1] the renderer's frame listener only wakes sessions (a flag and a task on
 * each session's event loop); it never encodes or writes, so no client can slow the guest's
 * rendering. [VNC-2] a session whose socket is not writable sends nothing; its dirty region keeps
 * growing and the next update carries the latest pixels.
 */
public final class VncServer implements VncMonitor, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VncServer.class.getName());
    /** Above this much unsent data a session stops producing updates until the socket drains. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** Limits the HTTP upgrade request and each WebSocket frame a browser may send. */
    private static final int MAX_HTTP_REQUEST = 64 * 1024;
    private static final int MAX_WEBSOCKET_FRAME = 1 << 20;

    private final MachineControl machine;
    private final EventLoopGroup group;
    private final VncOptions options;
    private final SecureRandom random;
    private final List<RfbSession> sessions = new CopyOnWriteArrayList<>();
    private final Set<Integer> loggedKeysyms = ConcurrentHashMap.newKeySet();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong updateBytes = new AtomicLong();
    /** Completes at the first framebuffer update sent to any client (lets tests of real viewers wait without sleeping). */
    private final java.util.concurrent.CompletableFuture<Void> firstUpdate = new java.util.concurrent.CompletableFuture<>();
    private volatile String password;
    private Channel listener;
    private Channel websocketListener;

    public VncServer(MachineControl machine, EventLoopGroup group, VncOptions options, SecureRandom random) {
        this.machine = Objects.requireNonNull(machine);
        this.group = Objects.requireNonNull(group);
        this.options = Objects.requireNonNull(options);
        this.random = Objects.requireNonNull(random);
    }

    /** Binds the listeners and starts following the framebuffer; returns once listening. */
    public VncServer start() {
        machine.framebuffer().addFrameListener(() -> {
            for (RfbSession s : sessions) s.wake();
        });
        listener = Sockets.listen(new CharDevSpec.Tcp(options.host(), options.port(), true, false, false), group,
                new ChannelInitializer<>() {
                    @Override protected void initChannel(Channel ch) {
                        ch.config().setWriteBufferWaterMark(WATER_MARK);
                        ch.pipeline().addLast(new RfbSession(VncServer.this, false));
                    }
                });
        LOG.log(System.Logger.Level.INFO, "VNC server listening on " + listener.localAddress());
        if (options.websocketPort() >= 0) {
            websocketListener = Sockets.listen(
                    new CharDevSpec.Tcp(options.websocketHost(), options.websocketPort(), true, false, false), group, new ChannelInitializer<>() {
                        @Override protected void initChannel(Channel ch) {
                            ch.config().setWriteBufferWaterMark(WATER_MARK);
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_HTTP_REQUEST),
                                    new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                            .websocketPath("/").checkStartsWith(true)
                                            .maxFramePayloadLength(MAX_WEBSOCKET_FRAME).build()),
                                    new WebSocketFrames(VncServer.this));
                        }
                    });
            LOG.log(System.Logger.Level.INFO, "VNC WebSocket listening on " + websocketListener.localAddress());
        }
        return this;
    }

    public int port() {
        return Sockets.boundPort(listener);
    }

    public int websocketPort() {
        return websocketListener == null ? -1 : Sockets.boundPort(websocketListener);
    }

    MachineControl machine() {
        return machine;
    }

    SecureRandom random() {
        return random;
    }

    boolean passwordRequired() {
        return options.password();
    }

    String password() {
        return password;
    }

    @Override public void setPassword(String password) {
        this.password = password;
    }

    void register(RfbSession s) {
        sessions.add(s);
    }

    void unregister(RfbSession s) {
        sessions.remove(s);
    }

    /** ClientInit: an exclusive client (shared flag 0) disconnects the others under QEMU's default policy. */
    void clientInit(RfbSession s, boolean shared) {
        if (shared || options.share() != VncOptions.Share.ALLOW_EXCLUSIVE) return;
        for (RfbSession other : sessions) {
            if (other != s) other.disconnect("another client asked for exclusive access");
        }
    }

    void unknownKeysym(int keysym) {
        if (loggedKeysyms.add(keysym)) {
            LOG.log(System.Logger.Level.INFO, String.format("VNC keysym 0x%04x has no PC key; ignored", keysym));
        }
    }

    void countUpdate(int bytes) {
        updates.incrementAndGet();
        updateBytes.addAndGet(bytes);
        firstUpdate.complete(null);
    }

    java.util.concurrent.CompletableFuture<Void> firstUpdate() {
        return firstUpdate;
    }

    /** Framebuffer updates sent to all clients so far, and their bytes (for the benchmark). */
    public long updatesSent() {
        return updates.get();
    }

    public long updateBytesSent() {
        return updateBytes.get();
    }

    @Override public Map<String, Object> queryVnc() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("enabled", true);
        InetSocketAddress a = (InetSocketAddress) listener.localAddress();
        info.put("host", a.getAddress().getHostAddress());
        info.put("service", Integer.toString(a.getPort()));
        info.put("family", a.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4");
        info.put("auth", options.password() ? "vnc" : "none");
        List<Map<String, Object>> clients = new ArrayList<>();
        for (RfbSession s : sessions) {
            Channel ch = s.channel();
            if (ch == null || !(ch.remoteAddress() instanceof InetSocketAddress r)) continue;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("host", r.getAddress().getHostAddress());
            c.put("service", Integer.toString(r.getPort()));
            c.put("family", r.getAddress() instanceof java.net.Inet6Address ? "ipv6" : "ipv4");
            c.put("websocket", s.websocket());
            clients.add(c);
        }
        info.put("clients", clients);
        return info;
    }

    @Override public void close() {
        if (listener != null) listener.close().syncUninterruptibly();
        if (websocketListener != null) websocketListener.close().syncUninterruptibly();
        for (RfbSession s : sessions) {
            Channel ch = s.channel();
            if (ch != null) ch.close();
        }
    }
}
