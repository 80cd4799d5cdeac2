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
 *
 * <p>The 32-bit harness is used where the host runs 32-bit programs; otherwise the 64-bit one,
 * which runs each case in 64-bit mode ({@link HostCpu#longMode()}): there the one-byte INC/DEC
 * encodings are REX prefixes, so they are sent as their FF /0 and FF /1 equivalents, and the BCD
 * adjustments, which do not exist in 64-bit mode, are not run ({@link #runs}).
 */
final class NativeHarness {
    private static final int MAGIC = 0x434F_564A;
    static final int IN_SIZE = 4 + 32 + 4 + OracleCase.FSAVE_SIZE + OracleCase.DATA_SIZE + 1 + 15;
    static final int OUT_SIZE = 32 + 4 + OracleCase.FSAVE_SIZE + OracleCase.DATA_SIZE + 4;

    private final Path harness;
    private final HostCpu host;

    private NativeHarness(Path harness, HostCpu host) {
        this.harness = harness;
        this.host = host;
    }

    /** The processor and mode the cases run in. */
    HostCpu host() {
        return host;
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
        Path dir = Path.of(out);
        List<String> refused = new ArrayList<>();
        for (String name : List.of("harness32", "harness64")) {
            Path candidate = dir.resolve(name);
            if (!Files.isExecutable(candidate)) continue;
            String line = probe(candidate);
            HostCpu cpu = HostCpu.parse(line);
            if (cpu != null) return new NativeHarness(candidate, cpu);
            refused.add(name + ": " + line);
        }
        throw new IOException("no oracle harness runs on this host " + refused);
    }

    /** The harness's probe line, or what went wrong (a host that refuses 32-bit programs lands here). */
    private static String probe(Path candidate) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(candidate.toString(), "--probe").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            int status = p.waitFor();
            return status == 0 ? out : "exit status " + status + ": " + out;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Whether {@code c}'s instruction exists in the mode the harness runs cases in. */
    boolean runs(OracleCase c) {
        if (!host.longMode() || c.kind() != OracleCase.Kind.INTEGER) return true;
        int op = c.code()[c.code()[0] == 0x66 ? 1 : 0] & 0xFF;
        return op != 0x27 && op != 0x2F && op != 0x37 && op != 0x3F && op != 0xD4 && op != 0xD5;
    }

    /** The bytes the host runs for {@code c}: the case's own, or in 64-bit mode an equivalent encoding. */
    byte[] hostCode(OracleCase c) {
        byte[] code = c.code();
        if (!host.longMode() || c.kind() != OracleCase.Kind.INTEGER) return code;
        int at = code[0] == 0x66 ? 1 : 0;
        int op = code[at] & 0xFF;
        if (op < 0x40 || op > 0x4F) return code;
        // INC r (40+r) is FF /0 with a register ModRM, DEC r (48+r) FF /1 (SDM vol. 2, INC, DEC).
        byte[] b = new byte[code.length + 1];
        System.arraycopy(code, 0, b, 0, at);
        b[at] = (byte) 0xFF;
        b[at + 1] = (byte) (0xC0 | (op & 8) | (op & 7));
        System.arraycopy(code, at + 1, b, at + 2, code.length - at - 1);
        return b;
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
                    byte[] code = hostCode(c);
                    b.put((byte) code.length);
                    b.put(code);
                    b.put(new byte[15 - code.length]);
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
