package javelin.machine;

import java.nio.file.Path;
import javelin.devices.serial.FileBackend;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.StdioBackend;

/** The serial back ends a {@code -serial} spec names: {@code stdio}, {@code file:PATH}, {@code null}/{@code none}. */
public final class SerialBackends {
    private SerialBackends() { }

    /** Throws a one-line {@link MachineConfigException} if {@code spec} names no back end. */
    public static void check(String spec) {
        if (!spec.equals("stdio") && !spec.equals("null") && !spec.equals("none")
                && !(spec.startsWith("file:") && spec.length() > 5)) {
            throw new MachineConfigException("-serial: unknown back end '" + spec + "' (use stdio, file:PATH or null)");
        }
    }

    static SerialBackend open(String spec) {
        check(spec);
        if (spec.equals("stdio")) return StdioBackend.ofProcessStreams();
        if (spec.startsWith("file:")) {
            try {
                return new FileBackend(Path.of(spec.substring(5)));
            } catch (java.io.UncheckedIOException e) {
                throw new MachineConfigException(e.getMessage(), e);
            }
        }
        return SerialBackend.NONE;
    }
}
