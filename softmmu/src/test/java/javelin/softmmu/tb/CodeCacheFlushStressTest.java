package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CodeCacheFlushStressTest {
    private static final int CODE = 0x1000;
    private static final int BLOCKS = 12;
    private static final int LOOPS = 300;
    private static final int VCPUS = 3;
    private static final int CAPACITY = 4;

    @Test
    @DisplayName("[FL-1][EX-1][EX-4] a full cache is flushed as exclusive work while vCPUs keep running correctly")
    void fullCacheIsFlushedExclusively() throws InterruptedException {
        try (ToyMachine m = new ToyMachine(VCPUS, CAPACITY)) {
            // BLOCKS blocks of ADDI + JMP, then a loop counter; LOOPS times round.
            ToyIsa.Asm asm = new ToyIsa.Asm(CODE);
            for (int b = 0; b < BLOCKS; b++) asm.addi(1, 1).jmp(CODE + (b + 1) * 2 * ToyIsa.INSN);
            asm.addi(2, 1).blt(2, 6, CODE).halt();
            asm.load(m.mem);
            for (ToyCpu cpu : m.cpus) {
                cpu.pc = CODE;
                cpu.regs[6] = LOOPS;
            }
            m.runAllToHalt(m.cpus);

            for (ToyCpu cpu : m.cpus) assertEquals(BLOCKS * LOOPS, cpu.regs[1]);
            TbStats s = m.cache.stats();
            assertTrue(s.flushes() > 0, "the bound was hit: " + s);
            assertEquals(s.liveBlocks(),
                    s.translated() - s.raceLost() - s.retranslated() - s.invalidated() - s.flushedBlocks(), s.toString());
            assertEquals(s.liveBlocks(), m.cache.pages().blockCount());
        }
    }
}
