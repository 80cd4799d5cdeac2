package javelin.ui;

import io.netty.channel.EventLoopGroup;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import javelin.devices.audio.PcSpeaker;
import javelin.devices.serial.SerialBackend;
import javelin.machine.CharDevSpec;
import javelin.machine.HostBackends;
import javelin.machine.MachineConfigException;
import javelin.ui.audio.OpenAlSpeakerOutput;
import javelin.ui.chardev.FileBackend;
import javelin.ui.chardev.RawTerminal;
import javelin.ui.chardev.SocketSerialBackend;
import javelin.ui.chardev.StdioBackend;

/**
 * The machine's host back ends on this host: character devices on the process's terminal, files,
 * TCP and unix sockets, or the window's terminal view, and the PC speaker through OpenAL. This
 * is the one place where a parsed {@link CharDevSpec} becomes a back end: an exhaustive switch
 * over its records. Remembers what it opened and closes it on {@link #close} (the machine
 * closes the same back ends; a second close is harmless), so nothing stays open when a machine
 * fails half-built.
 *
 * <p>Threading: called by the thread that builds the machine.
 */
public final class LocalBackends implements HostBackends, AutoCloseable {
    private final Supplier<EventLoopGroup> network;
    private final Function<CharDevice, SerialBackend> virtualConsole;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /**
     * @param network        the event-loop group sockets run on, asked for only when a socket is opened
     * @param virtualConsole opens a terminal in the window for {@code vc}, or null when there is no window
     */
    public LocalBackends(Supplier<EventLoopGroup> network, Function<CharDevice, SerialBackend> virtualConsole) {
        this.network = Objects.requireNonNull(network);
        this.virtualConsole = virtualConsole;
    }

    /**
     * {@inheritDoc} A socket server with {@code wait=on} waits here for its first client, before
     * the guest starts, as QEMU does. A serial port on {@code stdio} puts the terminal in raw
     * mode ({@link RawTerminal}); the debug devices only write to it and leave it as it is.
     */
    @Override public SerialBackend chardev(CharDevice device, CharDevSpec spec) {
        SerialBackend backend;
        try {
            backend = switch (spec) {
                case CharDevSpec.Null n -> SerialBackend.NONE;
                case CharDevSpec.Stdio s -> {
                    if (device.isSerialPort()) RawTerminal.enter();
                    yield StdioBackend.ofProcessStreams();
                }
                case CharDevSpec.File f -> new FileBackend(f.path());
                case CharDevSpec.Socket s -> new SocketSerialBackend(s, network.get()).start();
                case CharDevSpec.VirtualConsole v -> {
                    if (virtualConsole == null) {
                        throw new MachineConfigException(device.option + " vc: the console is shown in the window; add -display javafx");
                    }
                    yield virtualConsole.apply(device);
                }
            };
        } catch (IllegalStateException | UncheckedIOException e) {
            throw new MachineConfigException(device.option + " " + spec + ": " + e.getMessage(), e);
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

    /** OpenAL's default device; silent (never failing) when there is none. */
    @Override public AutoCloseable speaker(PcSpeaker speaker) {
        OpenAlSpeakerOutput output = OpenAlSpeakerOutput.open(speaker);
        opened.add(output);
        return output;
    }

    /** Closes everything opened here. */
    @Override public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                System.getLogger(LocalBackends.class.getName()).log(System.Logger.Level.WARNING, "closing " + c + ": " + e);
            }
        }
        opened.clear();
    }
}
