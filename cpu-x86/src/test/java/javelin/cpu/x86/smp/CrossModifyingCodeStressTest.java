package javelin.cpu.x86.smp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javelin.softmmu.tb.TbStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The cross-modifying-code stress ({@code smc.asm}): one writer vCPU rewrites the
 * IMM32 of a store that three reader vCPUs keep executing, a fixed number of times.
 *
 * <p>With the SDM's protocol (vol. 3A, 8.1.3: the writer stores the new code and publishes a
 * generation; a reader that sees the new generation executes a serializing instruction before
 * it runs the code), no reader may ever store a value older than the generation it read before
 * that pass. Without the protocol, a reader may run old or new code, but every value it stores
 * must be one that was written, whole. Both variants must finish without a crash, and at rest
 * the engine's counters must add up: every translated block is live, lost a race, was
 * retranslated, invalidated or flushed. Each distinct value a reader stored came from its own
 * translated block, and the next rewrite hit that block, so the invalidations are at least the
 * number of distinct values stored before the final one.
 *
 * <p>Checked to fail: with the engine broken so that an invalidation no longer sets a block's
 * INVALID bit (the block stays in the readers' jump caches and chains), the handshake variant
 * reported a reader storing 5EED0642h after reading generation 1603 (1.5 million violations).
 */
class CrossModifyingCodeStressTest {
    private static final int VCPUS = 4, REWRITES = 2_000, LOG_CAP = 100_000;
    private static final int BASE = 0x5EED_0000;
    private static final int SHARED = SmpProgram.SHARED;
    private static final int PASSES = SHARED + 4 * 64, VIOLATIONS = SHARED + 5 * 64, LOGGED = SHARED + 6 * 64,
            FIRST_BAD = SHARED + 7 * 64;
    /** Where smc.asm keeps the rewritten IMM32 (BODY at 2041h; C7 04 AD disp32 imm32). */
    private static final int IMM = 0x2048;

    /** One reader's log: the generations read and values stored, each time the value changed. */
    private record Change(int reader, int generation, int value) { }

    private static List<Change> run(int mode, int spins, String name) throws InterruptedException {
        try (SmpProgram m = new SmpProgram("smc.asm", VCPUS)) {
            assertEquals(BASE, m.peek(IMM), "smc.asm layout changed: the IMM32 is no longer at " + Integer.toHexString(IMM));
            m.poke(SmpProgram.P_MODE, mode).poke(SmpProgram.P_ITER, REWRITES).poke(SmpProgram.P_SPIN, spins)
                    .poke(SmpProgram.P_ARG, LOG_CAP);
            m.run(Duration.ofSeconds(120));
            assertEquals(BASE + REWRITES, m.peek(IMM), "the writer's last rewrite");
            List<Change> changes = new ArrayList<>();
            StringBuilder summary = new StringBuilder(name);
            for (int r = 1; r < VCPUS; r++) {
                int passes = m.peek(PASSES + 4 * r), logged = m.peek(LOGGED + 4 * r);
                int violations = m.peek(VIOLATIONS + 4 * r);
                assertEquals(0, violations, String.format("reader %d stored %08X after reading generation %d",
                        r, m.peek(FIRST_BAD + 8 * r + 4), m.peek(FIRST_BAD + 8 * r)));
                assertTrue(passes > 0, "reader " + r + " made no progress");
                assertTrue(logged < LOG_CAP, "reader " + r + " filled its change log");
                for (int k = 0; k < logged; k++) {
                    long at = SmpProgram.array(r) + 8L * k;
                    changes.add(new Change(r, m.peek(at), m.peek(at + 4)));
                }
                summary.append(String.format("; reader %d: %,d passes, %d value changes", r, passes, logged));
            }
            TbStats s = m.stats();
            assertNotNull(s, "statistics need the TB engine (not -Djavelin.smp.interpreter)");
            System.out.println(summary);
            System.out.print(s.format());
            checkCounters(s, changes);
            return changes;
        }
    }

    /** The statistics identity at rest, and invalidations at least the blocks the readers proved they ran. */
    private static void checkCounters(TbStats s, List<Change> changes) {
        long provenBlocks = changes.stream().mapToInt(Change::value).filter(v -> v != BASE + REWRITES).distinct().count();
        assertAll(
                () -> assertEquals(s.translated(), s.liveBlocks() + s.raceLost() + s.retranslated() + s.invalidated()
                        + s.flushedBlocks(), "translated = live + races lost + retranslated + invalidated + flushed"),
                () -> assertTrue(s.invalidated() > 0, "no block was invalidated"),
                () -> assertTrue(s.invalidated() >= provenBlocks, "invalidated " + s.invalidated()
                        + " < distinct older values stored " + provenBlocks));
    }

    @Test
    @DisplayName("[INV-1] [INV-2] [CH-3] SDM 8.1.3 protocol: no reader runs code older than the generation it read")
    void withGenerationHandshake() throws InterruptedException {
        List<Change> changes = run(0, 20_000, "with handshake");
        for (Change c : changes) {
            int v = c.value - BASE;
            assertTrue(v >= c.generation && v <= REWRITES, "reader " + c.reader + " stored " + Integer.toHexString(c.value)
                    + " after reading generation " + c.generation);
        }
        TreeSet<Integer> distinct = new TreeSet<>();
        changes.forEach(c -> distinct.add(c.value));
        assertTrue(distinct.size() > 1, "the readers never ran a rewritten store");
    }

    @Test
    @DisplayName("[INV-2] [PG-3] [PG-4] no handshake: readers store only values that were written, and keep going")
    void withoutHandshake() throws InterruptedException {
        List<Change> changes = run(1, 2_000, "without handshake");
        for (Change c : changes) {
            int v = c.value - BASE;
            assertTrue(v >= 0 && v <= REWRITES, "reader " + c.reader + " stored a value never written: "
                    + Integer.toHexString(c.value));
        }
        assertTrue(changes.stream().mapToInt(Change::value).distinct().count() > 1,
                "the readers never ran a rewritten store");
    }
}
