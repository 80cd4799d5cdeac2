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
    @DisplayName("[INV-1][INV-3][PT-2][TB-1][TB-2][TB-3] concurrent writers invalidate each block exactly once")
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

    @Test
    @DisplayName("[PG-1][INV-1] two-page blocks: writes to either page race with running vCPUs without deadlock or leaks")
    void twoPageBlocksSurviveWritesToBothPages() throws InterruptedException {
        int start = 0x1FC0;          // eight ADDIs on the first page, then the block runs on into 0x2000
        int done = 0x3000;
        int spins = 2000;
        try (ToyMachine m = new ToyMachine(2, 1024)) {
            ToyIsa.Asm asm = new ToyIsa.Asm(start);
            for (int i = 0; i < 9; i++) asm.addi(1, 1);
            int halt = asm.here() + 3 * ToyIsa.INSN;
            asm.load(3, 0, done).jnz(3, halt).jmp(start).halt();
            asm.load(m.mem);
            byte[] low = new byte[0x2000 - start];
            byte[] high = new byte[asm.here() - 0x2000];
            m.mem.readBytes(start, low, 0, low.length);
            m.mem.readBytes(0x2000, high, 0, high.length);
            for (ToyCpu cpu : m.cpus) cpu.pc = start;

            Thread lowWriter = Thread.ofPlatform().daemon(true).start(() -> {
                for (int k = 0; k < spins; k++) m.mem.writeBytes(start, low, 0, low.length);
            });
            Thread highWriter = Thread.ofPlatform().daemon(true).start(() -> {
                for (int k = 0; k < spins; k++) m.mem.writeBytes(0x2000, high, 0, high.length);
            });
            Thread stopper = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    lowWriter.join();
                    highWriter.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                m.mem.writeDword(done, 1);
            });
            m.runAllToHalt(m.cpus);
            stopper.join();

            for (ToyCpu cpu : m.cpus) assertEquals(0, cpu.regs[1] % 9, "whole loop iterations only");
            TbStats s = m.cache.stats();
            assertEquals(s.liveBlocks(), s.translated() - s.raceLost() - s.retranslated() - s.invalidated(), s.toString());
            assertEquals(s.liveBlocks(), m.cache.pages().blockCount(), "page lists hold exactly the live blocks");
            for (TranslationBlock tb : m.ran) {
                if (!tb.isInvalid()) continue;
                for (int slot = 0; slot < TranslationBlock.JUMP_SLOTS; slot++) {
                    assertSame(TranslationBlock.JUMPS_CLOSED, tb.jumps.get(slot));
                }
            }
            assertTrue(m.ran.stream().anyMatch(tb -> tb.physPage2() == 0x2000), "two-page blocks ran");
        }
    }
}
