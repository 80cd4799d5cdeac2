package javelin.cpu.x86.exec;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.SoftTlb;
import javelin.softmmu.tb.TbStats;
import javelin.softmmu.tb.TranslationBlock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class X86EngineTest {
    static final int HLT = 0xF4, NOP = 0x90;
    static final int CODE = 0x1000, DATA = 0x8000, STACK_TOP = 0x80000;
    /** Slices before a run that has not halted fails. */
    static final int MAX_SLICES = 1_000_000;

    /**
     * 1 MiB of RAM and {@code n} vCPUs on one engine of {@code capacity} blocks, each in flat
     * 32-bit protected mode (paging off) at {@link #CODE} with its own stack.
     */
    static TestMachine machine(int n, int capacity) {
        TestMachine m = TestMachine.builder().ram(1 << 20).vcpus(n).engine(capacity).build();
        for (int i = 0; i < n; i++) {
            CpuState cpu = m.cpu(i);
            cpu.enterFlatProtectedMode();
            cpu.eip = CODE;
            cpu.regs[ESP] = STACK_TOP - 0x1000 * i;
        }
        return m;
    }

    /** The block vCPU 0 would run now (translating it if needed); the calling thread becomes vCPU 0's. */
    static TranslationBlock blockAt(TestMachine m, int eip) {
        m.vcpu(0).bindToCurrentThread();
        m.cpu().eip = eip;
        return m.engine.cache().lookup(m.vcpu(0), m.x86(0));
    }

    private static int[] le32(int v) {
        return new int[] {v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, v >>> 24};
    }

    @Nested
    class Keys {
        private final X86FrontEnd fe = new X86FrontEnd(null);

        @Test
        @DisplayName("every mode input gives its own flags word, and bit 63 stays clear")
        void flagsChangeWithMode() {
            try (TestMachine m = machine(1, 4096)) {
                CpuState cpu = m.cpu();
                X86Vcpu v = m.x86(0);
                Set<Long> seen = new HashSet<>();
                seen.add(fe.flags(v));
                cpu.code32 = false;
                assertTrue(seen.add(fe.flags(v)), "CS.D");
                cpu.stack32 = false;
                assertTrue(seen.add(fe.flags(v)), "SS.B");
                cpu.cpl = 3;
                assertTrue(seen.add(fe.flags(v)), "CPL");
                cpu.eflagsRest |= TF;
                assertTrue(seen.add(fe.flags(v)), "TF");
                cpu.eflagsRest |= VM;
                assertTrue(seen.add(fe.flags(v)), "VM");
                cpu.eflagsRest |= 3 << 12;
                assertTrue(seen.add(fe.flags(v)), "IOPL");
                cpu.eflagsRest |= AC;
                assertTrue(seen.add(fe.flags(v)), "AC");
                cpu.cr0 |= CR0_TS;
                assertTrue(seen.add(fe.flags(v)), "CR0.TS");
                cpu.cr0 |= CR0_EM;
                assertTrue(seen.add(fe.flags(v)), "CR0.EM");
                cpu.cr0 |= CR0_MP;
                assertTrue(seen.add(fe.flags(v)), "CR0.MP");
                cpu.cr0 |= CR0_PG;
                assertTrue(seen.add(fe.flags(v)), "CR0.PG");
                cpu.cr0 &= ~CR0_PE;
                assertTrue(seen.add(fe.flags(v)), "CR0.PE");
                cpu.a20Mask = 0xFFEF_FFFFL;
                assertTrue(seen.add(fe.flags(v)), "A20");
                cpu.interruptShadow = true;
                assertTrue(seen.add(fe.flags(v)), "interrupt shadow");
                for (long f : seen) assertEquals(0, f & TranslationBlock.FLAG_INVALID);
            }
        }

        @Test
        @DisplayName("the csBase word holds the CS limit too: blocks are decoded against it")
        void csBaseWordHoldsTheLimit() {
            try (TestMachine m = machine(1, 4096)) {
                CpuState cpu = m.cpu();
                X86Vcpu v = m.x86(0);
                long before = fe.csBase(v);
                cpu.segLimit[CS] = 0xFFFF;
                assertNotEquals(before, fe.csBase(v));
                assertEquals(0, fe.csBase(v) & 0xFFFF_FFFFL);
                assertEquals(CpuState.class, cpu.getClass());
            }
        }
    }

    @Nested
    class Blocks {
        @Test
        @DisplayName("a block ends after a direct jump, with every instruction before it")
        void endsAtAJump() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, 0xB8, 1, 0, 0, 0, 0x83, 0xC0, 0x02, 0xEB, 0x00, HLT);   // mov eax,1; add eax,2; jmp $+2; hlt
                TranslationBlock tb = blockAt(m, CODE);
                X86Block code = (X86Block) tb.code();
                assertEquals(3, code.length());
                assertEquals(X86Block.END_JUMP, code.end());
                assertEquals(10, tb.size());
            }
        }

        @Test
        @DisplayName("a block ends after an instruction that changes the key (STI)")
        void endsAfterSti() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, NOP, 0xFB, NOP, HLT);
                X86Block code = (X86Block) blockAt(m, CODE).code();
                assertEquals(2, code.length());
                assertEquals(X86Block.END_MODE, code.end());
            }
        }

        @Test
        @DisplayName("a block stops before the first instruction on the next page and covers one page")
        void stopsAtThePageEnd() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(0x1FFC, NOP, NOP, NOP, NOP, HLT);
                TranslationBlock tb = blockAt(m, 0x1FFC);
                assertEquals(4, ((X86Block) tb.code()).length());
                assertEquals(X86Block.END_FALLTHROUGH, ((X86Block) tb.code()).end());
                assertEquals(TranslationBlock.NO_PAGE, tb.physPage2());
            }
        }

        @Test
        @DisplayName("a block holds at most 64 instructions; under TF one")
        void lengthLimits() {
            try (TestMachine m = machine(1, 4096)) {
                int[] nops = new int[100];
                java.util.Arrays.fill(nops, NOP);
                m.load(CODE, nops);
                assertEquals(X86FrontEnd.MAX_INSNS, ((X86Block) blockAt(m, CODE).code()).length());
                m.cpu().eflagsRest |= TF;
                assertEquals(1, ((X86Block) blockAt(m, CODE).code()).length());
            }
        }

        @Test
        @DisplayName("[XB-2] an instruction that crosses a page runs, decoded on its own")
        void pageCrossingInstructionRuns() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(0x2FFE, 0xB8, 0x78, 0x56, 0x34, 0x12, HLT);                       // mov eax, 12345678h; hlt
                m.runUntilHalt(0, 0x2FFE, MAX_SLICES);
                assertEquals(0x1234_5678, m.cpu().regs[EAX]);
                assertEquals(0x3004, m.cpu().eip);
            }
        }
    }

    @Nested
    class Chaining {
        @Test
        @DisplayName("a loop's back edge is chained and its block translated once")
        void loopIsChained() {
            try (TestMachine m = machine(1, 4096)) {
                // mov ecx, 1000; L: add eax, ecx; dec ecx; jnz L; hlt
                m.load(CODE, 0xB9, 0xE8, 0x03, 0, 0, 0x01, 0xC8, 0x49, 0x75, 0xFB, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(500_500, m.cpu().regs[EAX]);
                TbStats s = m.engine.stats();
                assertTrue(s.chained() >= 1, s.format());
                assertTrue(s.translated() <= 4, s.format());
            }
        }
    }

    @Nested
    class SelfModifyingCode {
        @Test
        @DisplayName("[SMC-1] a store into the running block: the next instruction comes from the new bytes")
        void storeIntoTheRunningBlockIsPrecise() {
            try (TestMachine m = machine(1, 4096)) {
                int imm = CODE + 8;
                int[] a = le32(imm);
                // mov byte [CODE+8], 42h; mov al, 11h (its immediate is CODE+8); hlt
                m.load(CODE, 0xC6, 0x05, a[0], a[1], a[2], a[3], 0x42, 0xB0, 0x11, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(0x42, m.cpu().regs[EAX] & 0xFF);
                assertTrue(m.engine.stats().invalidated() >= 1);
            }
        }

        @Test
        @DisplayName("a DMA write over translated code invalidates it")
        void dmaWriteInvalidates() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, 0xB8, 1, 0, 0, 0, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(1, m.cpu().regs[EAX]);
                long before = m.engine.stats().invalidated();
                m.load(CODE, 0xB8, 2, 0, 0, 0, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(2, m.cpu().regs[EAX]);
                assertTrue(m.engine.stats().invalidated() > before);
            }
        }

        @Test
        @DisplayName("statistics: stores to data pages only invalidate nothing and reach no invalidator")
        void dataWritesDoNotInvalidate() {
            try (TestMachine m = machine(1, 4096)) {
                int[] d = le32(DATA);
                // mov ecx, 1000; L: mov [ecx*4+DATA], ecx; loop L; hlt
                m.load(CODE, 0xB9, 0xE8, 0x03, 0, 0, 0x89, 0x0C, 0x8D, d[0], d[1], d[2], d[3], 0xE2, 0xF7, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(1000, m.mem.readDword(DATA + 4000));
                assertEquals(1, m.mem.readDword(DATA + 4));
                TbStats s = m.engine.stats();
                assertEquals(0, s.invalidated(), s.format());
                assertEquals(0, s.codeWrites(), s.format());
            }
        }
    }

    @Nested
    class Atomics {
        @Test
        @DisplayName("[XV-2] a LOCK XADD across a page boundary is atomic against another vCPU's LOCK ADD on its upper half")
        void misalignedLockXaddAcrossPagesIsExact() throws InterruptedException {
            final int n = 3000;
            try (TestMachine m = machine(2, 4096)) {
                int[] c = le32(n);
                // vCPU 0: mov ecx, n; L: mov eax, 1; lock xadd [2FFEh], eax; loop L; hlt   (a dword across 3000h)
                m.load(CODE, 0xB9, c[0], c[1], c[2], c[3], 0xB8, 1, 0, 0, 0,
                        0xF0, 0x0F, 0xC1, 0x05, 0xFE, 0x2F, 0x00, 0x00, 0xE2, 0xF1, HLT);
                // vCPU 1: mov ecx, n; L: lock add word [3000h], 1; loop L; hlt   (the dword's upper half, aligned)
                m.load(CODE + 0x100, 0xB9, c[0], c[1], c[2], c[3],
                        0xF0, 0x66, 0x83, 0x05, 0x00, 0x30, 0x00, 0x00, 0x01, 0xE2, 0xF5, HLT);
                Throwable[] failure = new Throwable[2];
                Thread[] threads = new Thread[2];
                for (int i = 0; i < 2; i++) {
                    int k = i;
                    threads[i] = new Thread(() -> {
                        try {
                            m.runUntilHalt(k, CODE + 0x100 * k, MAX_SLICES);
                        } catch (Throwable e) {
                            failure[k] = e;
                        }
                    }, "vcpu-" + i);
                    threads[i].setDaemon(true);
                }
                for (Thread t : threads) t.start();
                for (Thread t : threads) {
                    t.join(120_000);
                    assertFalse(t.isAlive(), "vCPU thread did not finish");
                }
                assertNull(failure[0]);
                assertNull(failure[1]);
                // A read-then-write of the misaligned dword racing the other vCPU's compare-and-swap loses updates.
                assertEquals(n + (n << 16), m.mem.readDword(0x2FFE));
            }
        }
    }

    @Nested
    class TlbFlushes {
        private long missesOfARun(TestMachine m, Runnable before) {
            long misses = m.engine.stats().jmpCacheMisses();
            before.run();
            m.runUntilHalt(0, CODE, MAX_SLICES);
            return m.engine.stats().jmpCacheMisses() - misses;
        }

        @Test
        @DisplayName("[XV-1] a TLB flush (CR3 load, INVLPG) flushes the jump cache with it")
        void tlbFlushesFlushTheJumpCache() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, 0xB8, 1, 0, 0, 0, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                long warm = missesOfARun(m, () -> { });
                long afterAll = missesOfARun(m, m.mmu()::flushAll);
                long afterPage = missesOfARun(m, () -> m.mmu().flushPage(CODE));
                assertEquals(0, warm);
                assertTrue(afterAll > warm);
                assertTrue(afterPage > warm);
            }
        }

        @Test
        @DisplayName("reset, INIT and a state restore leave no TLB entry of the state before them")
        void resetInitAndRestoreFlushTheTlbs() {
            try (TestMachine m = machine(1, 4096)) {
                X86Vcpu v = m.x86(0);
                CpuState.State saved = v.cpu().saveState();
                List<Runnable> ops = List.of(v::reset, v::init, () -> v.restoreState(saved));
                for (Runnable op : ops) {
                    v.cpu().restoreState(saved);                  // the state alone: the TLB keeps its entries
                    m.load(CODE, 0xB8, 1, 0, 0, 0, HLT);
                    m.runUntilHalt(0, CODE, MAX_SLICES);
                    int slot = SoftTlb.index(CODE);
                    assertEquals(CODE, m.mmu().supervisorTlb.execTag[slot], "the code page is in the TLB");
                    op.run();
                    assertEquals(SoftTlb.TLB_INVALID, m.mmu().supervisorTlb.execTag[slot]);
                }
            }
        }

        @Test
        @DisplayName("[XV-1] a flush asked from another thread is queued to the vCPU, not done there")
        void flushFromAnotherThreadIsQueued() throws InterruptedException {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, 0xB8, 1, 0, 0, 0, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                long flushesBefore = m.mmu().supervisorTlb.flushCount();
                Thread other = new Thread(m.x86(0)::flushTlbFromAnyThread);
                other.start();
                other.join();
                assertEquals(flushesBefore, m.mmu().supervisorTlb.flushCount(), "flushed on the wrong thread");
                assertTrue(m.vcpus.get(0).exitRequested());
                m.vcpus.processPendingWork(m.vcpus.get(0));
                assertEquals(flushesBefore + 1, m.mmu().supervisorTlb.flushCount());
            }
        }
    }

    @Nested
    class Flush {
        @Test
        @DisplayName("[FL-1] a cache of two blocks flushes again and again and the guest still computes right")
        void tinyCacheKeepsTheGuestCorrect() {
            try (TestMachine m = machine(1, 2)) {
                // mov ecx, 200; L: call F1; call F2; loop L; hlt   F1: add eax, 1; ret   F2: add ebx, 2; ret
                m.load(CODE, 0xB9, 0xC8, 0, 0, 0, 0xE8, 0xF6, 0, 0, 0, 0xE8, 0xF1, 0x01, 0, 0, 0xE2, 0xF4, HLT);
                m.load(CODE + 0x100, 0x83, 0xC0, 0x01, 0xC3);
                m.load(CODE + 0x200, 0x83, 0xC3, 0x02, 0xC3);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertEquals(200, m.cpu().regs[EAX]);
                assertEquals(400, m.cpu().regs[EBX]);
                TbStats s = m.engine.stats();
                assertTrue(s.flushes() > 0, s.format());
            }
        }

        @Test
        @DisplayName("[XE-2] flushAll from another thread while the vCPU runs: queued to it, the guest goes on right")
        void flushAllFromAnotherThreadWhileRunning() throws InterruptedException {
            try (TestMachine m = machine(1, 4096)) {
                // mov ecx, 2000000; L: add eax, 1; loop L; hlt
                m.load(CODE, 0xB9, 0x80, 0x84, 0x1E, 0x00, 0x83, 0xC0, 0x01, 0xE2, 0xFB, HLT);
                Throwable[] failure = new Throwable[1];
                Thread vcpu = new Thread(() -> {
                    try {
                        m.runUntilHalt(0, CODE, MAX_SLICES);
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                }, "vcpu-0");
                vcpu.setDaemon(true);
                vcpu.start();
                while (m.x86(0).retired() == 0 && vcpu.isAlive()) Thread.onSpinWait();
                m.engine.flushAll();
                vcpu.join(60_000);
                assertFalse(vcpu.isAlive());
                assertNull(failure[0]);
                assertEquals(2_000_000, m.cpu().regs[EAX]);
                assertTrue(m.engine.stats().flushes() >= 1, m.engine.stats().format());
            }
        }

        @Test
        @DisplayName("[XE-2] flushAll from a thread with no running vCPU drops every block at once")
        void flushAllWithoutThreads() {
            try (TestMachine m = machine(1, 4096)) {
                m.load(CODE, 0xB8, 1, 0, 0, 0, HLT);
                m.runUntilHalt(0, CODE, MAX_SLICES);
                assertTrue(m.engine.size() > 0);
                m.engine.flushAll();         // this thread owns vCPU 0, outside its exec region
                assertEquals(0, m.engine.size());
            }
        }
    }
}
