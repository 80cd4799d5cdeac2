package javelin.cpu.x86.conformance;

import static javelin.cpu.x86.CpuState.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.Decoder;
import javelin.cpu.x86.decode.OpSpec;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;

/**
 * Runs SingleStepTests files ({@code *.json.gz} or {@code *.json}) against the interpreter, as
 * the data's README prescribes (docs/conformance.md, "Machine model"): 16 MiB of flat RAM, every port reading all
 * ones, real mode, run from CS:IP until a HLT executes, then compare registers, FLAGS under the
 * defined-flags mask, and every written byte.
 *
 * <p>Both register layouts are understood: the 286's 16-bit set ({@code ax ... ip flags}) and
 * the 386's 32-bit set ({@code eax ... eip eflags cr0}). Tests are skipped only for the
 * reasons the README names for running 286 data on a 386-class CPU, each counted by reason:
 * a revoked hash; LOCK on a form the 386 does not allow; a #UD for length beyond the 286's
 * 10 bytes; and, when the test would otherwise fail, #SS instead of #GP for an SS-relative
 * access and a store into the prefetched trailing bytes (no prefetch queue is modelled).
 */
public final class CpuTestRunner {
    static final int RAM_SIZE = 16 << 20;
    /** Flags with a defined meaning the suites compare (README: OF DF IF TF SF ZF AF PF CF). */
    static final int COMPARED_FLAGS = 0x0FD5;
    static final int MAX_STEPS = 10_000;
    private static final String[] REGS16 = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
    private static final String[] REGS32 = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
    private static final String[] SEGS = {"es", "cs", "ss", "ds", "fs", "gs"};

    /** Why a test was not counted. */
    enum Skip {
        REVOKED("revoked hash"),
        LOCK_UD("LOCK on a non-lockable form: #UD on 386+"),
        LENGTH_UD("286 fault for length > 10 bytes"),
        SS_FAULT("#SS (386) instead of #GP (286) for an SS-relative access"),
        PREFETCH("store into prefetched bytes (no prefetch queue)");

        final String reason;

        Skip(String reason) {
            this.reason = reason;
        }
    }

    /** Outcome of one file. */
    record FileResult(String name, int passed, int failed, Map<Skip, Integer> skipped) {
        int total() {
            return passed + failed;
        }
    }

    private final PhysicalMemory mem;
    private final CpuState cpu;
    private final Interpreter interp;
    private final Decoder decoder = new Decoder();
    private final PrintStream out;
    private final boolean verbose;
    private final int[] touched = new int[1 << 16];
    private int touchedCount;

    CpuTestRunner(boolean verbose, PrintStream out) {
        ReentrantLock lock = new ReentrantLock();
        this.mem = new PhysicalMemory(RAM_SIZE, 0, lock);
        mem.mapRam(0, RAM_SIZE, 0);
        this.cpu = new CpuState(0);
        this.interp = new Interpreter(cpu, new Mmu(cpu, mem), new CpuSocket(mem, new IoPortBus(lock)), null);
        this.out = out;
        this.verbose = verbose;
    }

    /**
     * Runs every test file under {@code paths} (files, or directories searched recursively),
     * printing one line per file and the final line {@code N passed, M failed}.
     *
     * @return 0 if nothing failed, 1 otherwise, 2 if a file could not be read
     */
    public static int run(List<Path> paths, boolean verbose, PrintStream out) {
        CpuTestRunner runner = new CpuTestRunner(verbose, out);
        try {
            long passed = 0, failed = 0;
            for (Path file : testFiles(paths)) {
                FileResult r = runner.runFile(file);
                passed += r.passed;
                failed += r.failed;
                StringBuilder line = new StringBuilder(r.name).append(' ').append(r.passed).append('/').append(r.total());
                int skipped = r.skipped.values().stream().mapToInt(Integer::intValue).sum();
                if (skipped > 0) {
                    line.append(" (skipped ").append(skipped).append(':');
                    r.skipped.forEach((k, v) -> line.append(' ').append(v).append(' ').append(k.reason).append(';'));
                    line.setLength(line.length() - 1);
                    line.append(')');
                }
                out.println(line);
            }
            out.println(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        } catch (IOException | UncheckedIOException e) {
            out.println("cannot read test data: " + e.getMessage());
            return 2;
        } finally {
            runner.mem.close();
        }
    }

    static List<Path> testFiles(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(CpuTestRunner::isTestFile).sorted().forEach(files::add);
                }
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                throw new IOException("no such file or directory: " + p);
            }
        }
        return files;
    }

    private static boolean isTestFile(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".json.gz") || n.endsWith(".json")) && !n.equals("INDEX.json");
    }

    private static Set<String> revoked(Path file) throws IOException {
        Path list = file.resolveSibling("revocation_list.txt");
        Set<String> hashes = new HashSet<>();
        if (Files.exists(list)) {
            for (String line : Files.readAllLines(list)) {
                String h = line.strip();
                if (!h.isEmpty() && !h.startsWith("#")) hashes.add(h.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return hashes;
    }

    FileResult runFile(Path file) throws IOException {
        String name = file.getFileName().toString().replaceFirst("\\.json(\\.gz)?$", "");
        Set<String> revoked = revoked(file);
        int passed = 0, failed = 0;
        Map<Skip, Integer> skipped = new TreeMap<>();
        JsonFactory factory = new JsonFactory();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             JsonParser p = factory.createParser(in)) {
            if (p.nextToken() != JsonToken.START_ARRAY) throw new IOException(file + ": not a JSON array of tests");
            while (p.nextToken() == JsonToken.START_OBJECT) {
                SingleStepTest t = SingleStepTest.read(p);
                if (revoked.contains(t.hash().toLowerCase(java.util.Locale.ROOT))) {
                    skipped.merge(Skip.REVOKED, 1, Integer::sum);
                    continue;
                }
                Outcome o = runTest(t);
                if (o.skip != null) skipped.merge(o.skip, 1, Integer::sum);
                else if (o.failure == null) passed++;
                else {
                    failed++;
                    if (verbose) out.println("  FAIL " + name + " #" + t.idx() + " " + t.name() + " [" + t.hash() + "]: " + o.failure);
                }
            }
        }
        return new FileResult(name, passed, failed, skipped);
    }

    /** A test's result: a skip reason, or a failure description (null = passed). */
    record Outcome(Skip skip, String failure) {
        static final Outcome PASS = new Outcome(null, null);
    }

    Outcome runTest(SingleStepTest t) {
        boolean is386 = t.initialRegs().containsKey("eax");
        if (!is386) {
            Skip s = staticSkip(t);
            if (s != null) return new Outcome(s, null);
        }
        clearTouched();
        for (int e : t.initialRam()) poke(e >>> 8, e & 0xFF);
        loadRegisters(t, is386);
        interp.clearLastFault();
        int steps = 0;
        int firstFault = -1;
        String failure = null;
        try {
            while (!cpu.halted && steps < MAX_STEPS) {
                interp.step();
                steps++;
                if (firstFault < 0) firstFault = interp.lastFaultVector();
            }
            if (!cpu.halted) failure = "no HLT within " + MAX_STEPS + " steps";
        } catch (RuntimeException e) {
            failure = "emulator error: " + e;
        }
        if (failure == null) failure = compare(t, is386);
        for (int e : t.finalRam()) touch(e >>> 8);
        if (failure != null && !is386) {
            if (t.exception() == CpuFault.GP && firstFault == CpuFault.SS) return new Outcome(Skip.SS_FAULT, null);
            if (writesPrefetchedBytes(t)) return new Outcome(Skip.PREFETCH, null);
        }
        return failure == null ? Outcome.PASS : new Outcome(null, failure);
    }

    /** README "Known differences" 2 and 3: decided from the bytes alone. */
    private Skip staticSkip(SingleStepTest t) {
        int[] b = t.bytes();
        int i = 0;
        boolean lock = false;
        while (i < b.length - 1 && isPrefix(b[i])) {
            if (b[i] == 0xF0) lock = true;
            i++;
        }
        // The 286 faults on more than 10 bytes (README difference 3); some of these tests record #GP, not #UD.
        if ((t.exception() == CpuFault.UD || t.exception() == CpuFault.GP) && b.length - 1 > 10) return Skip.LENGTH_UD;
        if (lock) {
            int opcode = b[i];
            int modrm = i + 1 < b.length ? b[i + 1] : 0;
            OpSpec spec = decoder.lookup(opcode, (modrm >>> 3) & 7);
            boolean memory = (modrm >>> 6) != 3;
            if (spec == null || !spec.lockable() || !memory) return Skip.LOCK_UD;
        }
        return null;
    }

    private static boolean isPrefix(int b) {
        return switch (b) {
            case 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3 -> true;
            default -> false;
        };
    }

    /** True if the test stores into its own bytes or the HLT after them (README difference 7). */
    private static boolean writesPrefetchedBytes(SingleStepTest t) {
        long start = (t.initialRegs().get("cs") << 4) + t.initialRegs().get("ip");
        long end = start + t.bytes().length + 6;
        for (int e : t.finalRam()) {
            long a = e >>> 8;
            if (a >= start && a < end) return true;
        }
        return false;
    }

    private void poke(int addr, int value) {
        mem.writeByte(addr, value);
        touch(addr);
    }

    private void touch(int addr) {
        if (touchedCount < touched.length) touched[touchedCount++] = addr;
    }

    private void clearTouched() {
        for (int i = 0; i < touchedCount; i++) mem.writeByte(touched[i], 0);
        touchedCount = 0;
        // Pushes of exception frames may land outside final.ram when a test fails: clear the stack page too.
        int ss = cpu.segBase[SS] + ((cpu.regs[ESP] - 16) & 0xFFFF);
        for (int k = 0; k < 32; k++) mem.writeByte((ss + k) & (RAM_SIZE - 1), 0);
    }

    private void loadRegisters(SingleStepTest t, boolean is386) {
        cpu.reset();
        Map<String, Long> r = t.initialRegs();
        String[] names = is386 ? REGS32 : REGS16;
        for (int i = 0; i < 8; i++) cpu.regs[i] = (int) (long) r.getOrDefault(names[i], 0L);
        for (int s = 0; s < 6; s++) {
            int sel = (int) (long) r.getOrDefault(SEGS[s], 0L) & 0xFFFF;
            cpu.segSel[s] = sel;
            cpu.segBase[s] = sel << 4;
            cpu.segLimit[s] = 0xFFFF;
            cpu.segAttr[s] = ATTR_P | ATTR_S | (s == CS ? 0xB : 0x3);
        }
        if (is386) {
            cpu.eip = (int) (long) r.get("eip");
            int flags = (int) (long) r.get("eflags") & 0x3FFFF & ~(RF | VM);
            cpu.setEflags(flags);
        } else {
            cpu.eip = (int) (long) r.get("ip");
            cpu.setEflags((int) (long) r.get("flags") & ~0xF000);
        }
        cpu.updateModeCaches();
    }

    private String compare(SingleStepTest t, boolean is386) {
        StringBuilder diff = new StringBuilder();
        Map<String, Long> init = t.initialRegs(), fin = t.finalRegs();
        String[] names = is386 ? REGS32 : REGS16;
        long regMask = is386 ? 0xFFFF_FFFFL : 0xFFFFL;
        for (int i = 0; i < 8; i++) {
            long want = fin.getOrDefault(names[i], init.get(names[i]));
            long got = cpu.regs[i] & regMask;
            if (want != got) diff.append(String.format(" %s=%x want %x", names[i], got, want));
        }
        for (int s = 0; s < 6; s++) {
            if (!init.containsKey(SEGS[s])) continue;
            long want = fin.getOrDefault(SEGS[s], init.get(SEGS[s]));
            if (want != cpu.segSel[s]) diff.append(String.format(" %s=%x want %x", SEGS[s], cpu.segSel[s], want));
        }
        String ipName = is386 ? "eip" : "ip";
        long wantIp = fin.getOrDefault(ipName, init.get(ipName));
        if (wantIp != (cpu.eip & regMask)) diff.append(String.format(" %s=%x want %x", ipName, cpu.eip & regMask, wantIp));
        int mask = flagMask(t);
        String flagsName = is386 ? "eflags" : "flags";
        int wantFlags = (int) (long) fin.getOrDefault(flagsName, init.get(flagsName));
        int gotFlags = cpu.getEflags();
        if (((wantFlags ^ gotFlags) & mask) != 0) {
            diff.append(String.format(" flags=%04x want %04x (mask %04x)", gotFlags & 0xFFFF, wantFlags & 0xFFFF, mask));
        }
        long flagAddress = pushedFlagsAddress(t, is386);
        for (int e : t.finalRam()) {
            int addr = e >>> 8;
            int want = e & 0xFF;
            int got = mem.readByte(addr);
            int m = 0xFF;
            if (addr == flagAddress) m = mask & 0xFF;
            if (addr == flagAddress + 1) m = (mask >>> 8) & 0xFF;
            if (((want ^ got) & m) != 0) diff.append(String.format(" [%x]=%02x want %02x", addr, got, want));
        }
        return diff.isEmpty() ? null : diff.toString().strip();
    }

    /**
     * Where the exception pushed FLAGS: above IP and CS at the handler's SS:SP. The file's
     * {@code flag_address} says the same, except that it is one byte low when SP was odd.
     */
    private static long pushedFlagsAddress(SingleStepTest t, boolean is386) {
        if (!t.hasException()) return -1;
        Map<String, Long> init = t.initialRegs(), fin = t.finalRegs();
        String spName = is386 ? "esp" : "sp";
        long ss = fin.getOrDefault("ss", init.get("ss"));
        long sp = fin.getOrDefault(spName, init.get(spName));
        return (ss << 4) + ((sp + 4) & 0xFFFF);
    }

    /** FLAGS bits to compare: {@link #COMPARED_FLAGS} less what the instruction leaves undefined (README table). */
    int flagMask(SingleStepTest t) {
        int[] b = t.bytes();
        int i = 0;
        while (i < b.length - 1 && isPrefix(b[i])) i++;
        int opcode = b[i];
        if (opcode == 0x0F && i + 1 < b.length) opcode = OpSpec.ESCAPE_0F | b[++i];
        int modrm = i + 1 < b.length ? b[i + 1] : 0;
        int reg = (modrm >>> 3) & 7;
        OpSpec spec = decoder.lookup(opcode, reg);
        int undefined = spec == null ? 0 : spec.undefinedFlags();
        if (spec != null) undefined |= shiftUndefined(t, spec, opcode, reg);
        return COMPARED_FLAGS & ~undefined;
    }

    /** Count-dependent undefined flags of the shift group (README table, rows ROL..SAR). */
    private static int shiftUndefined(SingleStepTest t, OpSpec spec, int opcode, int reg) {
        boolean group2 = opcode == 0xC0 || opcode == 0xC1 || (opcode >= 0xD0 && opcode <= 0xD3);
        if (!group2) return 0;
        int count;
        if (opcode == 0xD0 || opcode == 0xD1) count = 1;
        else if (opcode == 0xD2 || opcode == 0xD3) count = (int) (long) t.initialRegs().getOrDefault("cx",
                t.initialRegs().getOrDefault("ecx", 0L)) & 0xFF;
        else count = t.bytes()[t.bytes().length - 2];
        count &= 0x1F;
        int width = (opcode & 1) == 0 ? 8 : (t.initialRegs().containsKey("eax") ? 16 : 16);
        int undefined = 0;
        if (reg <= 3) {
            if (count != 1) undefined |= OF;
        } else {
            if (count != 0) undefined |= AF;
            if (count > 1) undefined |= OF;
            if (count >= width && reg != 7) undefined |= CF;
        }
        return undefined;
    }
}
