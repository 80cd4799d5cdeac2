package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TbChainingStressTest {
    private static final int CODE = 0x1000;
    private static final int DONE = 0x3000;
    private static final int VCPUS = 2;
    private static final int REWRITES = 2000;

    @Test
    @DisplayName("[CH-1][CH-3][TB-2][TB-3] chains stay consistent while their blocks are invalidated under running vCPUs")
    void chainsStayConsistentUnderInvalidation() throws InterruptedException {
        try (ToyMachine m = new ToyMachine(VCPUS, 1024)) {
            int a = CODE;
            int b = CODE + 2 * ToyIsa.INSN;
            int halt = CODE + 5 * ToyIsa.INSN;
            // A: count, go to B.  B: stop when DONE is set, else back to A.  All exits chainable.
            new ToyIsa.Asm(a).addi(1, 1).jmp(b)
                    .load(3, 0, DONE).jnz(3, halt).jmp(a)
                    .halt().load(m.mem);
            byte[] blockB = new byte[3 * ToyIsa.INSN];
            m.mem.readBytes(b, blockB, 0, blockB.length);
            for (ToyCpu cpu : m.cpus) cpu.pc = CODE;

            Thread rewriter = Thread.ofPlatform().daemon(true).start(() -> {
                for (int k = 0; k < REWRITES; k++) m.mem.writeBytes(b, blockB, 0, blockB.length);
                m.mem.writeDword(DONE, 1);
            });
            m.runAllToHalt(m.cpus);
            rewriter.join();

            for (ToyCpu cpu : m.cpus) assertNotEquals(0, cpu.regs[1]);
            TbStats s = m.cache.stats();
            assertTrue(s.chained() > 0, "chains were made: " + s);
            assertEquals(s.liveBlocks(), s.translated() - s.raceLost() - s.retranslated() - s.invalidated(), s.toString());
            for (TranslationBlock tb : List.copyOf(m.ran)) {
                tb.lock.lock();
                try {
                    if (tb.isInvalid()) {
                        assertEquals(0, tb.incomingCountLocked(), "[TB-3] nothing jumps into " + tb);
                        for (int slot = 0; slot < TranslationBlock.JUMP_SLOTS; slot++) {
                            assertSame(TranslationBlock.JUMPS_CLOSED, tb.jumps.get(slot), "[TB-2] " + tb);
                        }
                    }
                } finally {
                    tb.lock.unlock();
                }
                if (tb.isInvalid()) continue;
                for (int slot = 0; slot < TranslationBlock.JUMP_SLOTS; slot++) {
                    TranslationBlock to = tb.jumps.get(slot);
                    if (to == null) continue;
                    assertTrue(!to.isInvalid(), "[CH-1] a live block chains only to a live block");
                    to.lock.lock();
                    try {
                        assertTrue(to.hasIncomingLocked(tb, slot),
                                "[TB-3] the successor records the jump");
                    } finally {
                        to.lock.unlock();
                    }
                }
            }
        }
    }
}
