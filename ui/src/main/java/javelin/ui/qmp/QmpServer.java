package javelin.ui.qmp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Clock;
import java.util.Objects;
import javelin.machine.MachineControl;
import javelin.machine.CharDevSpec;
import javelin.ui.chardev.Sockets;

/**
 * A QMP monitor listening on a TCP or unix socket ({@code -qmp tcp:127.0.0.1:4444,server=on,wait=off}).
 * Each connection is a {@link QmpSession}; several may be open at once, and each receives the
 * machine's events once it has negotiated capabilities.
 *
 * <p>Threading: sessions run on their Netty event loop; machine events arrive on whatever thread
 * raised them and are written to each session's channel, which Netty queues in order.
 */
public final class QmpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(QmpServer.class.getName());

    private final MachineControl machine;
    private final VncMonitor vnc;
    private final EventLoopGroup group;
    private final CharDevSpec.Socket spec;
    private final Clock clock;
    private final ChannelGroup sessions = new DefaultChannelGroup("qmp", GlobalEventExecutor.INSTANCE);
    /** The PS/2 button state {@code input-send-event} has built up (bit 0 left, 1 right, 2 middle). */
    private int buttons;                       // guarded by this
    private Channel listener;

    /**
     * @param vnc the VNC server for {@code query-vnc}/{@code change-vnc-password}, or null without one
     * @param clock the host clock for event timestamps (QMP events carry wall-clock time)
     */
    public QmpServer(MachineControl machine, VncMonitor vnc, EventLoopGroup group, CharDevSpec.Socket spec, Clock clock) {
        this.machine = Objects.requireNonNull(machine);
        this.vnc = vnc;
        this.group = Objects.requireNonNull(group);
        this.spec = Objects.requireNonNull(spec);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Binds the socket and subscribes to machine events; returns once listening. */
    public QmpServer start() {
        machine.addEventListener(this::broadcast);
        listener = Sockets.listen(spec, group, new ChannelInitializer<>() {
            @Override protected void initChannel(Channel ch) {
                sessions.add(ch);
                ch.pipeline().addLast(new QmpSession(QmpServer.this));
            }
        });
        LOG.log(System.Logger.Level.INFO, "QMP monitor listening on " + listener.localAddress());
        return this;
    }

    /** The bound TCP port (tests bind port 0). */
    public int port() {
        return Sockets.boundPort(listener);
    }

    MachineControl machine() {
        return machine;
    }

    VncMonitor vnc() {
        return vnc;
    }

    Clock clock() {
        return clock;
    }

    synchronized int updateButtons(int set, int clear) {
        buttons = (buttons | set) & ~clear;
        return buttons;
    }

    private void broadcast(MachineControl.Event event) {
        for (Channel ch : sessions) {
            QmpSession s = ch.pipeline().get(QmpSession.class);
            if (s != null) s.sendEvent(ch, event.name());
        }
    }

    @Override public void close() {
        if (listener != null) listener.close().syncUninterruptibly();
        Sockets.unlink(spec);
        sessions.close().syncUninterruptibly();
    }
}
