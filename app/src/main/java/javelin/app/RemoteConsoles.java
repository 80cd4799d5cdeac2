package javelin.app;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javelin.devices.serial.SerialBackend;
import javelin.machine.CharDevSpec;
import javelin.machine.HostBackends;
import javelin.machine.MachineConfigException;
import javelin.machine.MachineControl;
import javelin.ui.LocalBackends;
import javelin.ui.qmp.QmpServer;
import javelin.ui.vnc.VncOptions;
import javelin.ui.vnc.VncServer;

/**
 * The host side of one run: the machine's host back ends ({@link LocalBackends}: character
 * devices, including TCP and unix sockets, and sound), the VNC server ({@code -vnc}) and the QMP
 * monitor ({@code -qmp}), on one Netty event-loop group created only when something needs the
 * network. Closing it closes the servers, then the back ends, then the group (docs/remote.md,
 * "Wiring").
 */
final class RemoteConsoles implements AutoCloseable {
    private final String vnc;
    private final CharDevSpec.Socket qmpSpec;
    private final LocalBackends backends;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private EventLoopGroup group;
    private VncServer vncServer;

    /** @param virtualConsole opens the window's terminal for {@code vc}, or null without a window */
    RemoteConsoles(String vnc, String qmp, Function<HostBackends.CharDevice, SerialBackend> virtualConsole) {
        this.backends = new LocalBackends(this::group, virtualConsole);
        this.vnc = vnc == null || vnc.equals("none") ? null : vnc;
        if (this.vnc != null) parse(() -> VncOptions.parse(this.vnc));
        this.qmpSpec = qmp == null ? null : CharDevSpec.parseSocket("-qmp", qmp);
    }

    private static void parse(Runnable parser) {
        try {
            parser.run();
        } catch (IllegalArgumentException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
    }

    private EventLoopGroup group() {
        if (group == null) group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        return group;
    }

    /** What {@code PcMachine.create} opens the machine's back ends with. */
    HostBackends backends() {
        return backends;
    }

    /** Starts the VNC server and the QMP monitor for {@code machine}, if asked for. */
    void start(MachineControl machine) {
        try {
            if (vnc != null) {
                vncServer = new VncServer(machine, group(), VncOptions.parse(vnc), new SecureRandom()).start();
                opened.add(0, vncServer);
            }
            if (qmpSpec != null) {
                QmpServer server = new QmpServer(machine, vncServer, group(), qmpSpec, Clock.systemUTC()).start();
                opened.add(0, server);
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
    }

    /** "host:port" of the VNC server once started, or null when there is none. */
    String vncAddress() {
        return vncServer == null ? null : VncOptions.parse(vnc).host() + ":" + vncServer.port();
    }

    @Override public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(RemoteConsoles.class.getName()).log(System.Logger.Level.WARNING, "closing " + c + ": " + e);
            }
        }
        backends.close();
        if (group != null) group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
