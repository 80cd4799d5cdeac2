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
        @DisplayName("[PG-2][PG-3] another vCPU marks its TLB at its next boundary and treats the page as written")
        void otherVcpuProtectsAtItsNextBoundary() {
            try (ToyMachine m = new ToyMachine(2, 64)) {
                ToyCpu other = m.cpu(1);
                other.tlb.fill(CODE, CODE, true, true, true, m.mem);    // could store into the page unseen
                new ToyIsa.Asm(CODE).halt().load(m.mem);
                m.runFrom(m.cpu(0), CODE);
                assertFalse(notDirty(other, CODE), "[TLB-1] nobody touched the other vCPU's TLB");
                assertTrue(other.vcpu.exitRequested());

                other.vcpu.bindToCurrentThread();
                m.vcpus.processPendingWork(other.vcpu);
                assertTrue(notDirty(other, CODE));
                assertEquals(1, m.cache.invalidator().unseenPages.sum());
                assertEquals(1, m.cache.stats().invalidated(), "the page's block may hold bytes written unseen");
                assertFalse(m.mem.isCodePage(CODE), "its last block gone, the page is unmarked");
            }
        }

        @Test
        @DisplayName("[PG-3] a vCPU whose TLB already had NOTDIRTY invalidates nothing")
        void protectedVcpuInvalidatesNothing() {
            try (ToyMachine m = new ToyMachine(2, 64)) {
                ToyCpu other = m.cpu(1);
                new ToyIsa.Asm(CODE).halt().load(m.mem);
                m.runFrom(m.cpu(0), CODE);
                other.vcpu.bindToCurrentThread();
                m.vcpus.processPendingWork(other.vcpu);
                assertEquals(0, m.cache.stats().invalidated());
                assertTrue(m.mem.isCodePage(CODE));
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
