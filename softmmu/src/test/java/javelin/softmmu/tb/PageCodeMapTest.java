package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.softmmu.SoftTlb;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PageCodeMapTest {
    private static final int CODE = 0x1000;

    private static boolean notDirty(ToyCpu cpu, int va) {
        return (cpu.tlb.writeTag[SoftTlb.index(va)] & SoftTlb.TLB_NOTDIRTY) != 0;
    }

    @Nested
    class Protection {
        @Test
        @DisplayName("[PG-2] the first block marks the page and the translator's own TLB at once")
        void firstBlockMarksPageAndOwnTlb() {
            try (ToyMachine m = new ToyMachine(2, 64)) {
                ToyCpu cpu = m.cpu(0);
                cpu.tlb.fill(CODE, CODE, true, true, true, m.mem);
                new ToyIsa.Asm(CODE).halt().load(m.mem);
                m.runFrom(cpu, CODE);
                assertTrue(m.mem.isCodePage(CODE));
                assertTrue(notDirty(cpu, CODE));
            }
        }

        @Test
        @DisplayName("[PG-2][TLB-1] a vCPU outside its exec region marks its own TLB when it serves its work")
        void idleVcpuProtectsWhenItServesItsWork() {
            try (ToyMachine m = new ToyMachine(2, 64)) {
                ToyCpu other = m.cpu(1);
                other.tlb.fill(CODE, CODE, true, true, true, m.mem);
                new ToyIsa.Asm(CODE).halt().load(m.mem);
                m.runFrom(m.cpu(0), CODE);                 // does not wait: vCPU 1 is not running
                assertFalse(notDirty(other, CODE), "nobody touched the other vCPU's TLB");
                assertTrue(other.vcpu.exitRequested());

                other.vcpu.bindToCurrentThread();
                m.vcpus.processPendingWork(other.vcpu);
                assertTrue(notDirty(other, CODE));
                assertEquals(0, m.cache.stats().invalidated());
                assertTrue(m.mem.isCodePage(CODE));
            }
        }

        @Test
        @DisplayName("[PG-3] a translation waits until a running vCPU has marked its TLB")
        void translationWaitsForRunningVcpusToProtect() throws InterruptedException {
            int spin = 0x5000;
            int started = 0x6000;
            try (ToyMachine m = new ToyMachine(2, 64)) {
                ToyCpu other = m.cpu(1);
                other.tlb.fill(CODE, CODE, true, true, true, m.mem);   // before its thread starts
                // vCPU 1: announce, then spin in a chained loop until r3 is set.
                new ToyIsa.Asm(spin).movi(1, 1).store(1, 0, started).jnz(3, spin + 5 * ToyIsa.INSN)
                        .jmp(spin + 2 * ToyIsa.INSN).halt().halt().load(m.mem);
                other.pc = spin;
                Thread t = Thread.ofPlatform().daemon(true).start(() -> m.runToHalt(other));
                while (m.mem.readDword(started) != 1) Thread.onSpinWait();    // it is in its exec region

                new ToyIsa.Asm(CODE).halt().load(m.mem);
                m.runFrom(m.cpu(0), CODE);
                // The wait ends when vCPU 1 has marked its TLB, or has left its exec region (it then
                // marks before it runs again). Read "running" first: if it is running now, it
                // marked before it (re-)entered, and that marking is visible.
                boolean running = other.vcpu.isRunning();
                assertTrue(!running || notDirty(other, CODE), "running with an unprotected TLB after the translation");

                m.vcpus.runOnCpuSync(other.vcpu, () -> other.regs[3] = 1);
                t.join(60_000);
                assertFalse(t.isAlive());
            }
        }
    }

    @Nested
    class WritesDuringTranslation {
        @Test
        @DisplayName("[PG-4] a write to bytes a translation has read makes it translate again")
        void overlappingWriteForcesRetranslation() {
            boolean[] written = new boolean[1];
            try (ToyMachine m = new ToyMachine(1, 64, (cpu, t) -> {
                if (!written[0]) {
                    written[0] = true;
                    cpu.mem.writeDword(CODE + 4, 0x33);      // the MOVI immediate, already decoded
                }
            })) {
                new ToyIsa.Asm(CODE).movi(1, 0x11).halt().load(m.mem);
                ToyCpu cpu = m.runFrom(m.cpu(0), CODE);
                assertEquals(0x33, cpu.regs[1]);
                assertEquals(1, m.cache.stats().retranslated());
                assertEquals(1, m.cache.stats().liveBlocks());
            }
        }

        @Test
        @DisplayName("[PG-4] a write elsewhere on the page keeps the translation")
        void disjointWriteKeepsTheTranslation() {
            boolean[] written = new boolean[1];
            try (ToyMachine m = new ToyMachine(1, 64, (cpu, t) -> {
                if (!written[0]) {
                    written[0] = true;
                    cpu.mem.writeDword(CODE + 0x800, 0x33);
                }
            })) {
                new ToyIsa.Asm(CODE).movi(1, 0x11).halt().load(m.mem);
                ToyCpu cpu = m.runFrom(m.cpu(0), CODE);
                assertEquals(0x11, cpu.regs[1]);
                assertEquals(0, m.cache.stats().retranslated());
            }
        }

        @Test
        @DisplayName("[PG-4] more writes than the log holds make the translation start again")
        void logOverrunForcesRetranslation() {
            boolean[] written = new boolean[1];
            try (ToyMachine m = new ToyMachine(1, 64, (cpu, t) -> {
                if (!written[0]) {
                    written[0] = true;
                    for (int i = 0; i <= PageCodeMap.WRITE_LOG; i++) cpu.mem.writeDword(CODE + 0x800, i);
                }
            })) {
                new ToyIsa.Asm(CODE).movi(1, 0x11).halt().load(m.mem);
                m.runFrom(m.cpu(0), CODE);
                assertEquals(1, m.cache.stats().retranslated());
                assertNotEquals(0, m.cache.stats().codeWrites());
            }
        }
    }
}
