package javelin.cpu.x86.oracle;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs cases on the host CPU through the native harness ({@code oracle/harness.c}, built by
 * {@code oracle/build}). The record layout here mirrors {@code struct case_in}/{@code case_out}.
 */
final class NativeHarness {
    private static final int MAGIC = 0x434F_564A;
    static final int IN_SIZE = 4 + 32 + 4 + OracleCase.FSAVE_SIZE + OracleCase.DATA_SIZE + 1 + 15;
    static final int OUT_SIZE = 32 + 4 + OracleCase.FSAVE_SIZE + OracleCase.DATA_SIZE + 4;

    private final Path harness;

    private NativeHarness(Path harness) {
        this.harness = harness;
    }

    /** True if this JVM runs on an x86 host, where 32-bit user code runs natively. */
    static boolean hostIsX86() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86") || arch.matches("i[3-6]86");
    }

    /** Builds the harness with {@code oracle/build} found above {@code start}. */
    static NativeHarness build(Path start) throws IOException, InterruptedException {
        Path root = start.toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("oracle/build"))) root = root.getParent();
        if (root == null) throw new IOException("oracle/build not found above " + start.toAbsolutePath());
        Process p = new ProcessBuilder(root.resolve("oracle/build").toString()).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        String err = new String(p.getErrorStream().readAllBytes()).trim();
        if (p.waitFor() != 0) throw new IOException("oracle/build failed: " + err);
        return new NativeHarness(Path.of(out));
    }

    /** Runs all cases in one harness process; results in the same order. */
    List<OracleResult> run(List<OracleCase> cases) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(harness.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (OutputStream os = new BufferedOutputStream(p.getOutputStream(), 1 << 16)) {
                ByteBuffer b = ByteBuffer.allocate(IN_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                for (OracleCase c : cases) {
                    b.clear();
                    b.putInt(MAGIC);
                    for (int r : c.gpr()) b.putInt(r);
                    b.putInt(c.eflags());
                    b.put(c.fsave());
                    b.put(c.data());
                    b.put((byte) c.code().length);
                    b.put(c.code());
                    b.put(new byte[15 - c.code().length]);
                    os.write(b.array());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<OracleResult> results = new ArrayList<>(cases.size());
        try (InputStream is = new BufferedInputStream(p.getInputStream(), 1 << 16)) {
            DataInputStream in = new DataInputStream(is);
            byte[] rec = new byte[OUT_SIZE];
            for (int i = 0; i < cases.size(); i++) {
                in.readFully(rec);
                ByteBuffer b = ByteBuffer.wrap(rec).order(ByteOrder.LITTLE_ENDIAN);
                int[] gpr = new int[8];
                for (int r = 0; r < 8; r++) gpr[r] = b.getInt();
                int eflags = b.getInt();
                byte[] fsave = new byte[OracleCase.FSAVE_SIZE];
                b.get(fsave);
                byte[] data = new byte[OracleCase.DATA_SIZE];
                b.get(data);
                int signal = b.getInt();
                results.add(new OracleResult(gpr, eflags, fsave, data, OracleResult.faultOfSignal(signal)));
            }
        }
        writer.join();
        if (p.waitFor() != 0) throw new IOException("oracle harness exited with " + p.exitValue());
        return results;
    }
}
