package javelin.app;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javelin.devices.serial.SerialBackend;
import javelin.machine.MachineConfigException;
import javelin.machine.MachineControl;
import javelin.ui.chardev.RawTerminal;
import javelin.ui.chardev.SerialSpec;
import javelin.ui.chardev.SocketSerialBackend;
import javelin.ui.chardev.SocketSpec;
import javelin.ui.qmp.QmpServer;
import javelin.ui.vnc.VncOptions;
import javelin.ui.vnc.VncServer;

/**
 * The remote front ends of one run: serial back ends ({@code -serial}, including TCP and unix
 * sockets), the VNC server ({@code -vnc}) and the QMP monitor ({@code -qmp}), on one Netty
 * event-loop group created only when something needs the network. Closing it closes the servers,
 * then the back ends, then the group (docs/remote.md, "Wiring").
 */
final class RemoteConsoles implements AutoCloseable {
    private final String vnc;
    private final String qmp;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private EventLoopGroup group;
    private VncServer vncServer;

    RemoteConsoles(String vnc, String qmp) {
        this.vnc = vnc == null || vnc.equals("none") ? null : vnc;
        this.qmp = qmp;
        if (this.vnc != null) parse(() -> VncOptions.parse(this.vnc));
        if (qmp != null) parse(() -> SocketSpec.parse("-qmp", qmp));
    }

    /** Checks a {@code -serial} spec: a one-line error for a bad one. */
    static void checkSerial(String spec) {
        parse(() -> SerialSpec.parse(spec));
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

    /** The back end for one {@code -serial} spec; a socket server with wait=on waits for its client here, as QEMU does. */
    SerialBackend openSerial(String spec) {
        SerialSpec s;
        try {
            s = SerialSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
        if (s instanceof SerialSpec.Stdio) RawTerminal.enter();
        SerialBackend backend;
        try {
            backend = s.open(s instanceof SerialSpec.Socket ? group() : null);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // A port already in use, or a file that cannot be created: one line, no trace.
            throw new MachineConfigException("-serial " + spec + ": " + e.getMessage(), e);
        }
        opened.add(backend);
        if (s instanceof SerialSpec.Socket sock && sock.socket().waitForClient()) {
            System.err.println("javelin: waiting for a client on " + spec);
            try {
                ((SocketSerialBackend) backend).awaitClient(Duration.ofDays(365));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MachineConfigException("interrupted while waiting for a client on " + spec, e);
            }
        }
        return backend;
    }

    /** Starts the VNC server and the QMP monitor for {@code machine}, if asked for. */
    void start(MachineControl machine) {
        try {
            if (vnc != null) {
                vncServer = new VncServer(machine, group(), VncOptions.parse(vnc), new SecureRandom()).start();
                opened.add(0, vncServer);
            }
            if (qmp != null) {
                QmpServer server = new QmpServer(machine, vncServer, group(), SocketSpec.parse("-qmp", qmp), Clock.systemUTC()).start();
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
        if (group != null) group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
