package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TbInvalidatorStressTest {
    private static final int CODE = 0x1000;
    private static final int BLOCKS = 8;
    private static final int ROUNDS = 300;
    private static final int WRITERS = 3;

    @Test
    @DisplayName("[INV-1][INV-3][PT-2][TB-2][TB-3] concurrent writers invalidate each block exactly once")
    void concurrentWritersInvalidateEachBlockOnce() throws InterruptedException {
        try (ToyMachine m = new ToyMachine(1, 1024)) {
            // BLOCKS blocks of ADDI + JMP to the next one, chained, then HALT.
            ToyIsa.Asm asm = new ToyIsa.Asm(CODE);
            for (int b = 0; b < BLOCKS; b++) asm.addi(1, 1).jmp(CODE + (b + 1) * 2 * ToyIsa.INSN);
            asm.halt();
            asm.load(m.mem);
            byte[] code = new byte[(2 * BLOCKS + 1) * ToyIsa.INSN];
            m.mem.readBytes(CODE, code, 0, code.length);
            ToyCpu cpu = m.cpu(0);
            long expectedInvalidations = 0;
            for (int round = 0; round < ROUNDS; round++) {
                m.ran.clear();
                m.runFrom(cpu, CODE);
                assertEquals(BLOCKS + 1, m.cache.size());
                List<TranslationBlock> blocks = List.copyOf(m.ran);
                assertEquals(BLOCKS + 1, blocks.size());

                CountDownLatch go = new CountDownLatch(1);
                List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    writers.add(Thread.ofPlatform().daemon(true).start(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        m.mem.writeBytes(CODE, code, 0, code.length);     // same bytes: a DMA rewrite
                    }));
                }
                go.countDown();
                for (Thread t : writers) t.join();
                expectedInvalidations += BLOCKS + 1;

                assertEquals(expectedInvalidations, m.cache.stats().invalidated(), "each block counted once");
                assertEquals(0, m.cache.size());
                assertEquals(0, m.cache.pages().blockCount());
                assertFalse(m.mem.isCodePage(CODE));
                for (TranslationBlock tb : blocks) {
                    assertTrue(tb.isInvalid());
                    assertNull(m.cache.jmpCache(cpu.vcpu).slots.get(TbJmpCache.index(tb.pc)), "step 4 cleared");
                    for (int s = 0; s < TranslationBlock.JUMP_SLOTS; s++) {
                        assertSame(TranslationBlock.JUMPS_CLOSED, tb.jumps.get(s), "step 5 closed the exits");
                    }
                    tb.lock.lock();
                    try {
                        assertEquals(0, tb.incomingCountLocked(), "step 5 unlinked the jumps in");
                    } finally {
                        tb.lock.unlock();
                    }
                }
            }
            assertEquals(BLOCKS * ROUNDS, cpu.regs[1]);
        }
    }
}
