package javelin.machine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A QEMU-style character-device back-end spec for output-only uses ({@code -debugcon},
 * {@code -postcode}): {@code stdio}, {@code file:PATH}, {@code null} or {@code none}.
 */
public record CharDevSpec(Kind kind, Path file) {
    public enum Kind { STDIO, FILE, NULL }

    public static CharDevSpec parse(String option, String spec) {
        if (spec.equals("stdio")) return new CharDevSpec(Kind.STDIO, null);
        if (spec.equals("null") || spec.equals("none")) return new CharDevSpec(Kind.NULL, null);
        if (spec.startsWith("file:") && spec.length() > 5) return new CharDevSpec(Kind.FILE, Path.of(spec.substring(5)));
        throw new MachineConfigException(option + ": unknown back end '" + spec + "' (use stdio, file:PATH or null)");
    }

    /** Opens the sink; {@code stdio} is the process's standard output, never closed by us. */
    public OutputStream open() {
        return switch (kind) {
            case STDIO -> new java.io.FilterOutputStream(System.out) {
                @Override public void close() throws IOException { flush(); }
            };
            case NULL -> OutputStream.nullOutputStream();
            case FILE -> {
                try {
                    yield new FileOutputStream(file.toFile());
                } catch (IOException e) {
                    throw new MachineConfigException("cannot open " + file + " for writing: " + e.getMessage(), e);
                }
            }
        };
    }
}
