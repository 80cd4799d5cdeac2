package javelin.cpu.x86.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javelin.cpu.x86.fpu.Float80;
import org.junit.jupiter.api.Test;

/**
 * The differential oracle: random cases run on the host CPU and on Javelin must agree in every
 * defined part of the result. {@code -Doracle.cases=N} (default 20,000) and
 * {@code -Doracle.seed=S} (default 1) choose the run; {@code oracle/run-full} runs 1,000,000.
 *
 * <p>What the manuals leave undefined ({@link Undefined}) is compared only where
 * {@link HostCpu#comparesUndefined} says so, and otherwise counted per class as skipped, with how
 * many of the skipped cases the host answered differently there. The transcendentals, whose
 * error the manuals bound rather than define, must be within {@link #TRANSCENDENTAL_ULP_BOUND}
 * of the host on every host. docs/conformance.md ("The x87 FPU against the host CPU",
 * "Undefined results") lists the figures.
 */
class OracleDifferentialTest {
    /** Largest difference from the host allowed for FSIN..FYL2XP1, as documented in docs/conformance.md. */
    static final long TRANSCENDENTAL_ULP_BOUND = 1;
    private static final int BATCH = 50_000, REPORTED = 40;

    @Test
    void hostCpuAndJavelinAgreeOnRandomInstructions() throws Exception {
        assumeTrue(NativeHarness.hostIsX86(),
                "host is " + System.getProperty("os.arch") + ", not x86: the differential oracle does not run here");
        int total = Integer.getInteger("oracle.cases", 20_000);
        long seed = Long.getLong("oracle.seed", 1L);
        NativeHarness harness = NativeHarness.build(Path.of(""));
        HostCpu host = harness.host();
        System.out.println("oracle host: " + host.describe() + "; Javelin models " + HostCpu.MODELLED_VENDOR
                + "; undefined classes compared here: " + compared(host));
        CaseGenerator gen = new CaseGenerator(seed);
        JavelinExecutor ours = new JavelinExecutor();
        Map<OracleCase.Kind, Integer> ran = new EnumMap<>(OracleCase.Kind.class);
        Map<OracleCase.Kind, Integer> failed = new EnumMap<>(OracleCase.Kind.class);
        Map<Undefined, int[]> skipped = new EnumMap<>(Undefined.class);   // {cases skipped, host differed there}
        Map<String, Integer> notRunnable = new TreeMap<>();
        List<String> reports = new ArrayList<>();
        long worstUlps = 0;
        // per transcendental instruction: {cases run, cases differing, worst ulps}
        Map<String, long[]> byInstruction = new TreeMap<>();
        int unmeasurable = 0;
        for (int done = 0; done < total; done += BATCH) {
            List<OracleCase> generated = gen.batch(Math.min(BATCH, total - done));
            List<OracleCase> cases = new ArrayList<>();
            for (OracleCase c : generated) {
                if (harness.runs(c)) cases.add(c);
                else notRunnable.merge(c.name(), 1, Integer::sum);
            }
            List<OracleResult> hostResults = harness.run(cases);
            for (int i = 0; i < cases.size(); i++) {
                OracleCase c = cases.get(i);
                OracleResult h = hostResults.get(i);
                ran.merge(c.kind(), 1, Integer::sum);
                OracleResult o = ours.run(c);
                OracleCase.Masks skip = c.skippedOn(host);
                countSkipped(c, h, o, host, skipped);
                List<String> diff = Comparison.differences(c, h, o, skip);
                long[] stats = null;
                if (c.kind() == OracleCase.Kind.X87_TRANSCENDENTAL) {
                    stats = byInstruction.computeIfAbsent(c.name(), k -> new long[3]);
                    stats[0]++;
                }
                if (diff.isEmpty()) continue;
                if (stats != null) {
                    long u = transcendentalUlps(c, h, o, diff, skip);
                    stats[1]++;
                    stats[2] = Math.max(stats[2], u < 0 ? Long.MAX_VALUE : u);
                    if (u >= 0 && u <= TRANSCENDENTAL_ULP_BOUND) {
                        worstUlps = Math.max(worstUlps, u);
                        continue;
                    }
                    if (u < 0) unmeasurable++;
                }
                failed.merge(c.kind(), 1, Integer::sum);
                String report = "case " + (done + i) + ": " + c.describe() + "  differences: " + diff
                        + "\n  host   : " + h.describe() + "  javelin: " + o.describe();
                System.out.println(report);   // every mismatch, with its reproducer
                if (reports.size() < REPORTED) reports.add(report);
            }
        }
        int failures = failed.values().stream().mapToInt(Integer::intValue).sum();
        String summary = "oracle seed " + seed + " on " + host.describe() + ": ran " + ran + ", mismatches " + failed
                + ", transcendental worst within bound " + worstUlps + " ulp, unmeasurable " + unmeasurable;
        System.out.println(summary);
        skipped.forEach((u, n) -> System.out.printf(
                "  undefined %s: skipped in %d cases, the host answered differently there in %d%n", u, n[0], n[1]));
        if (!notRunnable.isEmpty()) {
            System.out.println("  not run (the instruction does not exist in the harness's " + host.bits()
                    + "-bit mode): " + notRunnable);
        }
        byInstruction.forEach((name, st) -> System.out.printf(
                "  transcendental %s: %d cases, %d differ from the host, worst %s ulp%n", name, st[0], st[1],
                st[2] == Long.MAX_VALUE ? "unmeasurable" : Long.toString(st[2])));
        assertEquals(0, failures, summary + "\n" + String.join("\n", reports));
    }

    private static List<Undefined> compared(HostCpu host) {
        List<Undefined> l = new ArrayList<>();
        for (Undefined u : Undefined.values()) if (host.comparesUndefined(u)) l.add(u);
        return l;
    }

    /** Counts each undefined class the host does not compare, and whether the host answered differently there. */
    private static void countSkipped(OracleCase c, OracleResult h, OracleResult o, HostCpu host, Map<Undefined, int[]> skipped) {
        for (OracleCase.UndefinedPart p : c.undefined()) {
            if (host.comparesUndefined(p.what())) continue;
            int[] n = skipped.computeIfAbsent(p.what(), k -> new int[2]);
            n[0]++;
            OracleCase.Masks only = new OracleCase.Masks(p.flags(), p.status(), p.regs(), p.dataFrom(), p.dataTo());
            OracleCase.Masks all = c.skippedOn(host);
            // Differs there: with every skipped part masked it agrees, with this part compared it does not.
            OracleCase.Masks others = new OracleCase.Masks(all.flags() & ~only.flags(), all.status() & ~only.status(),
                    all.regs() & ~only.regs(), only.dataTo() > only.dataFrom() ? 0 : all.dataFrom(),
                    only.dataTo() > only.dataFrom() ? 0 : all.dataTo());
            if (Comparison.differences(c, h, o, all).isEmpty() && !Comparison.differences(c, h, o, others).isEmpty()) n[1]++;
        }
    }

    /** The largest ulp distance among the differing stack registers, or -1 if anything else differs. */
    private static long transcendentalUlps(OracleCase c, OracleResult host, OracleResult ours, List<String> diff,
                                           OracleCase.Masks skip) {
        for (String d : diff) if (!d.startsWith("st") && !d.startsWith("status word")) return -1;
        long worst = 0;
        for (int st = 0; st < 8; st++) {
            Float80 a = Float80.fromBytes(host.fsave(), 28 + 10 * st), b = Float80.fromBytes(ours.fsave(), 28 + 10 * st);
            if (a.equals(b)) continue;
            long u = Comparison.ulps(a, b);
            if (u < 0) return -1;
            worst = Math.max(worst, u);
        }
        // A result one ulp off also flips C1 (rounded up) or PE; that follows from the value.
        for (String d : diff) {
            if (d.startsWith("status word")) {
                int h = Comparison.get32(host.fsave(), 4), o = Comparison.get32(ours.fsave(), 4);
                if (((h ^ o) & ~skip.status() & ~(1 << 9 | 1 << 5)) != 0) return -1;
            }
        }
        return worst;
    }
}
