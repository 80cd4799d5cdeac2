package javelin.ui.chardev;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javelin.devices.serial.SerialBackend;
import javelin.machine.CharDevSpec;

/**
 * A serial port on a socket ({@code -serial tcp:HOST:PORT,server=on,wait=off},
 * {@code unix:PATH,server=on}, optionally {@code telnet=on}), or a connection to a listening peer
 * when {@code server} is off.
 *
 * <p>One client at a time, as in QEMU: a connection arriving while one is open is closed at once.
 *
 * <p>Invariants: [SER-1] {@link #transmit} never blocks and never touches the socket: it appends
 * to {@link #pending} under {@link #lock} and schedules one flush on the event loop. [SER-2] With
 * no client, or a client that does not read (its socket is not writable and {@link #MAX_PENDING}
 * bytes are waiting), the guest's bytes are dropped: a serial line has no flow control here, and
 * the guest must never wait for a host that is not listening.
 */
public final class SocketSerialBackend implements SerialBackend {
    private static final System.Logger LOG = System.getLogger(SocketSerialBackend.class.getName());
    /** Bytes held for a slow client before output is dropped (a few seconds of a 115200-baud console). */
    static final int MAX_PENDING = 64 * 1024;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final CharDevSpec.Socket spec;
    private final EventLoopGroup group;
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Object lock = new Object();
    private byte[] pending = new byte[256];     // guarded by lock
    private int pendingLength;                  // guarded by lock
    private boolean flushScheduled;             // guarded by lock
    private volatile Channel client;
    private volatile HostInput input;
    private volatile boolean droppedLogged;
    private Channel listener;

    public SocketSerialBackend(CharDevSpec.Socket spec, EventLoopGroup group) {
        this.spec = Objects.requireNonNull(spec);
        this.group = Objects.requireNonNull(group);
    }

    /** Listens (server) or connects (client); fails with a message naming the address. */
    public SocketSerialBackend start() {
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override protected void initChannel(Channel ch) {
                ch.config().setWriteBufferWaterMark(WATER_MARK);
                ch.pipeline().addLast(new Connection());
            }
        };
        if (spec.server()) {
            listener = Sockets.listen(spec, group, init);
            LOG.log(System.Logger.Level.INFO, "serial port listening on " + listener.localAddress());
        } else {
            Sockets.connect(spec, group, init);
        }
        return this;
    }

    /** The bound TCP port (tests listen on port 0). */
    public int port() {
        return Sockets.boundPort(listener);
    }

    /** For {@code wait=on}: blocks until the first client connects; false on timeout. */
    public boolean awaitClient(Duration timeout) throws InterruptedException {
        return firstClient.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override public void transmit(int b) {
        Channel ch = client;
        if (ch == null) return;                                 // [SER-2] nobody listening
        boolean schedule;
        synchronized (lock) {
            if (pendingLength + 2 > MAX_PENDING) {
                dropped();
                return;
            }
            if (pendingLength + 2 > pending.length) pending = java.util.Arrays.copyOf(pending, pending.length * 2);
            if (spec.telnet()) {
                pendingLength = Telnet.escapeOutput(b, pending, pendingLength);
            } else {
                pending[pendingLength++] = (byte) b;
            }
            schedule = !flushScheduled;
            flushScheduled = true;
        }
        if (schedule) ch.eventLoop().execute(() -> flush(ch));
    }

    /** On the event loop: writes what transmit collected, unless the client has stopped reading. */
    private void flush(Channel ch) {
        if (!ch.isWritable()) return;     // resumed by channelWritabilityChanged
        ByteBuf out;
        synchronized (lock) {
            flushScheduled = false;
            if (pendingLength == 0) return;
            out = Unpooled.copiedBuffer(pending, 0, pendingLength);
            pendingLength = 0;
        }
        ch.writeAndFlush(out);
    }

    private void dropped() {
        if (!droppedLogged) {
            droppedLogged = true;
            LOG.log(System.Logger.Level.INFO, "serial client on " + spec + " is not reading; dropping guest output");
        }
    }

    @Override public void attach(HostInput in) {
        if (input != null) throw new IllegalStateException("already attached");
        input = Objects.requireNonNull(in);
    }

    @Override public void close() {
        Channel ch = client;
        if (ch != null) ch.close().syncUninterruptibly();
        if (listener != null) listener.close().syncUninterruptibly();
        Sockets.unlink(spec);
    }

    /** One client connection. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Telnet telnet = new Telnet();

        @Override public void channelActive(ChannelHandlerContext ctx) {
            synchronized (lock) {
                if (client != null) {
                    LOG.log(System.Logger.Level.INFO, "serial port " + spec + " already has a client; refusing "
                            + ctx.channel().remoteAddress());
                    ctx.close();
                    return;
                }
                client = ctx.channel();
                pendingLength = 0;
                flushScheduled = false;
            }
            if (spec.telnet()) ctx.writeAndFlush(Unpooled.wrappedBuffer(Telnet.OPENING));
            firstClient.countDown();
        }

        @Override public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            try {
                if (ctx.channel() != client) return;
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                if (spec.telnet()) bytes = telnet.filterInput(bytes, 0, bytes.length);
                HostInput in = input;
                if (in != null && bytes.length > 0) in.receive(bytes, 0, bytes.length);
            } finally {
                b.release();
            }
        }

        @Override public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel() == client && ctx.channel().isWritable()) {
                synchronized (lock) {
                    flushScheduled = true;
                }
                flush(ctx.channel());
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override public void channelInactive(ChannelHandlerContext ctx) {
            synchronized (lock) {
                if (client == ctx.channel()) {
                    client = null;
                    pendingLength = 0;
                    flushScheduled = false;
                }
            }
        }

        @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.INFO, "serial client on " + spec + " dropped: " + cause);
            ctx.close();
        }
    }
}
