package javelin.ui;

import io.netty.channel.EventLoopGroup;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import javelin.devices.serial.FileBackend;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.StdioBackend;
import javelin.machine.CharDevSpec;
import javelin.machine.MachineConfigException;
import javelin.ui.chardev.RawTerminal;
import javelin.ui.chardev.SocketSerialBackend;

/**
 * Opens the back ends {@link CharDevSpec}s name on this host: the process's terminal, files,
 * TCP and unix sockets. This is the one place where a parsed spec becomes a back end (an
 * exhaustive switch over the spec's records). Remembers what it opened and closes it on
 * {@link #close}.
 *
 * <p>Threading: called by the thread that builds the machine.
 */
public final class LocalBackends implements AutoCloseable {
    private final Supplier<EventLoopGroup> network;
    private final List<SerialBackend> opened = new ArrayList<>();

    /** @param network the event-loop group sockets run on, asked for only when a socket is opened */
    public LocalBackends(Supplier<EventLoopGroup> network) {
        this.network = Objects.requireNonNull(network);
    }

    /**
     * Opens the back end {@code spec} names for a device configured by {@code option}. A socket
     * server with {@code wait=on} waits here for its first client, before the guest starts, as
     * QEMU does.
     *
     * @throws MachineConfigException one line naming the option and the back end, if the host
     *         refuses (a port in use, a file that cannot be created)
     */
    public SerialBackend open(String option, CharDevSpec spec) {
        SerialBackend backend;
        try {
            backend = switch (spec) {
                case CharDevSpec.Null n -> SerialBackend.NONE;
                case CharDevSpec.Stdio s -> {
                    RawTerminal.enter();
                    yield StdioBackend.ofProcessStreams();
                }
                case CharDevSpec.File f -> new FileBackend(f.path());
                case CharDevSpec.Socket s -> new SocketSerialBackend(s, network.get()).start();
                case CharDevSpec.VirtualConsole v ->
                        throw new MachineConfigException(option + " vc: the console is shown in the window; add -display javafx");
            };
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new MachineConfigException(option + " " + spec + ": " + e.getMessage(), e);
        }
        opened.add(backend);
        if (spec instanceof CharDevSpec.Socket s && s.waitForClient()) {
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

    /** Closes every back end opened here (closing one twice is harmless). */
    @Override public void close() {
        for (SerialBackend b : opened) {
            try {
                b.close();
            } catch (RuntimeException e) {
                System.getLogger(LocalBackends.class.getName()).log(System.Logger.Level.WARNING, "closing " + b + ": " + e);
            }
        }
        opened.clear();
    }
}
