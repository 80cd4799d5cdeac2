package javelin.ui.chardev;

import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import javelin.devices.serial.FileBackend;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.StdioBackend;

/**
 * A {@code -serial} back end as QEMU spells it: {@code stdio}, {@code file:PATH},
 * {@code tcp:HOST:PORT[,server=on][,wait=off][,telnet=on]}, {@code unix:PATH[,server=on]},
 * {@code null} or {@code none}.
 */
public sealed interface SerialSpec {
    record Stdio() implements SerialSpec { }
    record File(Path path) implements SerialSpec { }
    record Socket(SocketSpec socket) implements SerialSpec { }
    record Null() implements SerialSpec { }

    static SerialSpec parse(String spec) {
        if (spec.equals("stdio")) return new Stdio();
        if (spec.equals("null") || spec.equals("none")) return new Null();
        if (spec.startsWith("file:") && spec.length() > 5) return new File(Path.of(spec.substring(5)));
        if (spec.startsWith("tcp:") || spec.startsWith("unix:")) return new Socket(SocketSpec.parse("-serial", spec));
        throw new IllegalArgumentException("-serial: unknown back end '" + spec
                + "' (use stdio, file:PATH, tcp:HOST:PORT,server=on, unix:PATH,server=on or null)");
    }

    /**
     * Opens the back end; a socket server is listening when this returns (the caller waits for a
     * client with {@link SocketSerialBackend#awaitClient} when {@code wait} is on). {@code stdio}
     * does not change the terminal: the launcher calls {@link RawTerminal#enter} for that.
     */
    default SerialBackend open(EventLoopGroup group) {
        return switch (this) {
            case Stdio s -> StdioBackend.ofProcessStreams();
            case File f -> new FileBackend(f.path());
            case Socket s -> new SocketSerialBackend(s.socket(), group).start();
            case Null n -> SerialBackend.NONE;
        };
    }
}
