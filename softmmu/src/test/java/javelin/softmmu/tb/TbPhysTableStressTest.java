package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TbPhysTableStressTest {
    private static final int CODE = 0x1000;
    private static final int BLOCKS = 16;
    private static final int VCPUS = 3;
    private static final int ROUNDS = 100;

    @Test
    @DisplayName("[PT-1][LK-2] vCPUs translating the same code concurrently all end up with the first block linked")
    void racingTranslatorsShareTheWinner() throws InterruptedException {
        for (int round = 0; round < ROUNDS; round++) {
            try (ToyMachine m = new ToyMachine(VCPUS, 1024)) {
                ToyIsa.Asm asm = new ToyIsa.Asm(CODE);
                for (int b = 0; b < BLOCKS; b++) asm.addi(1, 1).jmp(CODE + (b + 1) * 2 * ToyIsa.INSN);
                asm.halt();
                asm.load(m.mem);
                for (ToyCpu cpu : m.cpus) cpu.pc = CODE;
                m.runAllToHalt(m.cpus);

                TbStats s = m.cache.stats();
                assertEquals(BLOCKS + 1, s.liveBlocks());
                assertEquals(BLOCKS + 1, s.translated() - s.raceLost() - s.retranslated(), "losers dropped: " + s);
                assertEquals(BLOCKS + 1, m.ran.size(), "no vCPU ran a block that lost the race");
                for (int b = 0; b <= BLOCKS; b++) {
                    long pc = CODE + b * 2L * ToyIsa.INSN;
                    TranslationBlock winner = m.cache.phys().get(pc, pc, 0, 0);
                    assertTrue(m.ran.contains(winner));
                    for (ToyCpu cpu : m.cpus) {
                        // A vCPU that reached the block through a chain never looked it up.
                        TranslationBlock cached = m.cache.jmpCache(cpu.vcpu).slots.get(TbJmpCache.index(pc));
                        if (cached != null) assertSame(winner, cached, "vCPU " + cpu.vcpu.index() + " at " + pc);
                    }
                }
                for (ToyCpu cpu : m.cpus) assertEquals(BLOCKS, cpu.regs[1]);
            }
        }
    }
}
