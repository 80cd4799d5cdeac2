package javelin.cpu.x86.smp;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import javelin.softmmu.tb.TbStats;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The engine's counters against what a guest does ({@code stats.asm}): stores to a data page
 * invalidate nothing and never reach the invalidator; a loop that rewrites its own next
 * instruction invalidates a block every pass and still computes with the new bytes.
 *
 * <p>Checked to fail: with DATA moved onto the code page, the data loop reported 5,000 code-page
 * writes; with the engine broken so that an invalidation no longer sets a block's INVALID bit,
 * the self-modifying loop's sum came out one short.
 */
class CodeStatisticsTest {
    private static final int PASSES = 5_000;
    private static final int SUM = SmpProgram.SHARED + 2 * 64;
    /** 1 + 2 + ... + PASSES, which the program adds up either way. */
    private static final int EXPECTED_SUM = PASSES * (PASSES + 1) / 2;

    private static TbStats run(int mode) throws InterruptedException {
        try (SmpProgram m = new SmpProgram("stats.asm", 1)) {
            m.poke(SmpProgram.P_MODE, mode).poke(SmpProgram.P_ITER, PASSES);
            m.run(Duration.ofSeconds(60));
            assertEquals(EXPECTED_SUM, m.peek(SUM), "the program's sum");
            TbStats s = m.stats();
            assertNotNull(s, "statistics need the TB engine (not -Djavelin.smp.interpreter)");
            assertEquals(s.translated(), s.liveBlocks() + s.raceLost() + s.retranslated() + s.invalidated()
                    + s.flushedBlocks(), "translated = live + races lost + retranslated + invalidated + flushed");
            return s;
        }
    }

    @Test
    @DisplayName("[TLB-2] statistics: a data-only store loop: 0 invalidations, 0 code-page writes")
    void dataStoresInvalidateNothing() throws InterruptedException {
        TbStats s = run(0);
        assertAll(() -> assertEquals(0, s.invalidated()), () -> assertEquals(0, s.codeWrites()));
    }

    @Test
    @DisplayName("[SMC-1] statistics: a loop storing into its own next instruction: a block invalidated every pass")
    void codeStoresInvalidate() throws InterruptedException {
        TbStats s = run(1);
        assertAll(() -> assertTrue(s.invalidated() >= PASSES - 1, "invalidated " + s.invalidated()),
                () -> assertTrue(s.codeWrites() >= PASSES, "code writes " + s.codeWrites()));
    }
}
