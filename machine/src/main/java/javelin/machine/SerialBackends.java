package javelin.machine;

import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import javelin.devices.serial.FileBackend;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.StdioBackend;

/** The back ends a machine opens without a front end: {@code stdio}, {@code file:PATH}, {@code null}. */
final class SerialBackends {
    private SerialBackends() { }

    static SerialBackend open(CharDevSpec spec) {
        return switch (spec) {
            case CharDevSpec.Stdio s -> StdioBackend.ofProcessStreams();
            case CharDevSpec.File f -> {
                try {
                    yield new FileBackend(f.path());
                } catch (java.io.UncheckedIOException e) {
                    throw new MachineConfigException(e.getMessage(), e);
                }
            }
            case CharDevSpec.Null n -> SerialBackend.NONE;
            case CharDevSpec.VirtualConsole v -> throw new MachineConfigException("-serial vc needs the window");
            case CharDevSpec.Socket s -> throw new MachineConfigException("-serial " + s + " needs the network front end");
        };
    }

    /** The sink of an output-only device; {@code stdio} is the process's standard output, never closed by us. */
    static OutputStream openOutput(String option, CharDevSpec spec) {
        return switch (spec) {
            case CharDevSpec.Stdio s -> new FilterOutputStream(System.out) {
                @Override public void close() throws IOException {
                    flush();
                }
            };
            case CharDevSpec.Null n -> OutputStream.nullOutputStream();
            case CharDevSpec.File f -> {
                try {
                    yield new FileOutputStream(f.path().toFile());
                } catch (IOException e) {
                    throw new MachineConfigException("cannot open " + f.path() + " for writing: " + e.getMessage(), e);
                }
            }
            case CharDevSpec.VirtualConsole v -> throw new MachineConfigException(option + ": vc is only for -serial");
            case CharDevSpec.Socket s -> throw new MachineConfigException(option + ": " + s + " is only for -serial");
        };
    }
}
