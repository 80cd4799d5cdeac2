package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TbCacheTest {
    private static final int CODE = 0x1000;
    private final ToyMachine m = new ToyMachine(2, 64);
    private final ToyCpu cpu = m.cpu(0);

    @AfterEach
    void close() {
        m.close();
    }

    private static int insn(int index) {
        return CODE + index * ToyIsa.INSN;
    }

    @Nested
    class Lookup {
        @Test
        @DisplayName("[LK-1] a block is translated once and then found in the jump cache")
        void translatesOnceThenHitsTheJumpCache() {
            new ToyIsa.Asm(CODE).movi(1, 5).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            m.runFrom(cpu, CODE);
            TbStats s = m.cache.stats();
            assertEquals(5, cpu.regs[1]);
            assertEquals(1, s.translated());
            assertEquals(1, s.jmpCacheHits());
            assertEquals(1, s.liveBlocks());
        }

        @Test
        void theFlagsWordIsPartOfTheKey() {
            new ToyIsa.Asm(CODE).setmode(1).load(m.mem);
            new ToyIsa.Asm(insn(1)).halt().load(m.mem);
            m.runFrom(cpu, insn(1));
            m.runFrom(cpu, CODE);                   // mode 1 now: HALT is looked up again
            assertEquals(3, m.cache.stats().translated());
        }

        @Test
        @DisplayName("[LK-2] another vCPU finds the block in the physical table")
        void secondVcpuUsesTheSameBlockFromThePhysicalTable() throws InterruptedException {
            new ToyIsa.Asm(CODE).movi(1, 7).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            ToyCpu other = m.cpu(1);
            other.pc = CODE;
            m.runAllToHalt(java.util.List.of(other));
            assertEquals(7, other.regs[1]);
            assertEquals(1, m.cache.stats().translated());
            assertSame(m.cache.jmpCache(cpu.vcpu).slots.get(TbJmpCache.index(CODE)),
                    m.cache.jmpCache(other.vcpu).slots.get(TbJmpCache.index(CODE)));
        }
    }

    @Nested
    class SelfModifyingCode {
        @Test
        @DisplayName("[SMC-1] a store into the running block takes effect at the very next instruction")
        void storeIntoTheRunningBlockIsSeenByTheNextInstruction() {
            // The STORE rewrites the immediate of the MOVI right after it, in the same block.
            new ToyIsa.Asm(CODE).movi(1, 0x22).store(1, 0, insn(2) + 4).movi(2, 0x11).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            assertEquals(0x22, cpu.regs[2]);
            TbStats s = m.cache.stats();
            assertEquals(1, s.invalidated());
            assertEquals(2, s.translated(), "the first block, then the rest from the new bytes");
        }

        @Test
        @DisplayName("[INV-2] stores to data beside code reach the invalidator but invalidate nothing")
        void dataStoresOnACodePageInvalidateNothing() {
            int data = CODE + 0x800;
            new ToyIsa.Asm(CODE).movi(1, 3).store(1, 0, data).store(1, 0, data + 4).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            m.runFrom(cpu, CODE);
            TbStats s = m.cache.stats();
            assertEquals(4, s.codeWrites(), "the page holds code, so its stores take the slow path");
            assertEquals(0, s.invalidated());
            assertEquals(1, s.translated());
        }

        @Test
        void storesToPagesWithoutCodeNeverReachTheInvalidator() {
            new ToyIsa.Asm(CODE).movi(1, 3).store(1, 0, 0x5000).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            assertEquals(0, m.cache.stats().codeWrites());
            assertEquals(0, cpu.slowStores);
        }

        @Test
        @DisplayName("[INV-2] a DMA write into code invalidates it and the next run sees the new bytes")
        void dmaWriteIntoCodeInvalidates() {
            new ToyIsa.Asm(CODE).movi(1, 1).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            new ToyIsa.Asm(CODE).movi(1, 2).halt().load(m.mem);       // writeBytes: the bus-master path
            assertEquals(1, m.cache.stats().invalidated());
            m.runFrom(cpu, CODE);
            assertEquals(2, cpu.regs[1]);
        }

        @Test
        @DisplayName("[PG-2] the last block gone unmarks the page")
        void lastBlockGoneUnmarksThePage() {
            new ToyIsa.Asm(CODE).movi(1, 1).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            assertTrue(m.mem.isCodePage(CODE));
            m.mem.writeDword(CODE + 4, 9);
            assertFalse(m.mem.isCodePage(CODE));
            assertEquals(0, m.cache.size());
        }
    }

    @Nested
    class Chaining {
        @Test
        @DisplayName("[CH-1] direct exits on one page are chained")
        void directExitsOnOnePageAreChained() {
            int loop = CODE;
            int tail = insn(2);
            new ToyIsa.Asm(CODE).addi(1, 1).jmp(tail)
                    .blt(1, 6, loop)
                    .halt().load(m.mem);
            cpu.regs[6] = 10;
            m.runFrom(cpu, CODE);
            assertEquals(10, cpu.regs[1]);
            TranslationBlock a = m.cache.phys().get(loop, loop, 0, 0);
            TranslationBlock b = m.cache.phys().get(tail, tail, 0, 0);
            assertSame(b, a.jumps.get(0));
            assertSame(a, b.jumps.get(0));
            assertEquals(3, m.cache.stats().translated());
            assertEquals(3, m.cache.stats().chained(), "A->B, B->A and B's fall-through to HALT");
        }

        @Test
        @DisplayName("[CH-2] no chain to another virtual page or into a two-page block")
        void noChainAcrossPages() {
            int last = 0x1FF8;
            new ToyIsa.Asm(0x1FF0).jmp(0x3000).load(m.mem);
            new ToyIsa.Asm(0x3000).jmp(last).load(m.mem);
            new ToyIsa.Asm(last).addi(1, 1).halt().load(m.mem);      // runs into page 0x2000: two pages
            m.runFrom(cpu, 0x1FF0);
            assertEquals(1, cpu.regs[1]);
            TranslationBlock first = m.cache.phys().get(0x1FF0, 0x1FF0, 0, 0);
            TranslationBlock twoPages = m.cache.phys().get(last, last, 0, 0);
            assertEquals(0x2000, twoPages.physPage2());
            assertNull(first.jumps.get(0));
            assertEquals(0, m.cache.stats().chained());
        }

        @Test
        @DisplayName("[CH-1] no chain into an invalid block")
        void noChainIntoAnInvalidBlock() {
            TranslationBlock from = TbTestBlocks.block(CODE, 0);
            TranslationBlock to = TbTestBlocks.block(CODE + 8, 0);
            TbTestBlocks.invalidate(to);
            m.cache.tryChain(from, 0, to);
            assertNull(from.jumps.get(0));
        }

        @Test
        @DisplayName("[CH-3][VC-2] an exit request reaches a vCPU spinning in a chained loop")
        void exitRequestBreaksAChainedLoop() throws InterruptedException {
            int halt = insn(2);
            new ToyIsa.Asm(CODE).jnz(3, halt).jmp(CODE).halt().load(m.mem);
            ToyCpu spinner = m.cpu(1);
            spinner.pc = CODE;
            Thread t = Thread.ofPlatform().daemon(true).start(() -> m.runToHalt(spinner));
            boolean[] onOwner = new boolean[1];
            m.vcpus.runOnCpuSync(spinner.vcpu, () -> {
                onOwner[0] = spinner.vcpu.isOwnerThread();
                spinner.regs[3] = 1;
            });
            t.join(60_000);
            assertFalse(t.isAlive());
            assertTrue(onOwner[0]);
            TranslationBlock loop = m.cache.phys().get(CODE, CODE, 0, 0);
            assertNotSame(null, loop);
        }
    }

    @Nested
    class Tiers {
        @Test
        @DisplayName("[TB-4] a valid block takes new code; an invalidated one refuses it")
        void codeIsReplacedOnlyWhileValid() {
            new ToyIsa.Asm(CODE).movi(1, 1).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            TranslationBlock tb = m.cache.phys().get(CODE, CODE, 0, 0);
            TbCode<ToyCpu> compiled = (c, block) -> {
                c.regs[1] = 5;
                c.pc = CODE + 2 * ToyIsa.INSN;
                return TbCode.EXIT_LEAVE;
            };
            assertTrue(tb.replaceCode(compiled));
            m.runFrom(cpu, CODE);
            assertEquals(5, cpu.regs[1], "the new tier ran");
            m.mem.writeDword(CODE + 4, 7);                    // the code is written
            assertFalse(tb.replaceCode(compiled), "a compile of written code is thrown away");
        }
    }

    @Nested
    class Faults {
        @Test
        @DisplayName("[PG-3] a fault is delivered inside the exec region and the loop goes on from the handler")
        void faultIsDeliveredAndExecutionContinuesAtTheHandler() {
            new ToyIsa.Asm(CODE).movi(1, 1).trap().load(m.mem);
            new ToyIsa.Asm(ToyIsa.TRAP_HANDLER).movi(2, 2).halt().load(m.mem);
            m.runFrom(cpu, CODE);
            assertEquals(insn(1), m.mem.readDword(ToyIsa.TRAP_FRAME), "the faulting PC was pushed");
            assertEquals(1, cpu.regs[1]);
            assertEquals(2, cpu.regs[2]);
            assertTrue(cpu.faultDeliveredInExecRegion);
        }
    }

    @Nested
    class Statistics {
        @Test
        @DisplayName("invalidations are counted when code is modified and not otherwise")
        void invalidationsCountOnlyCodeModification() {
            new ToyIsa.Asm(CODE).movi(1, 3).store(1, 0, CODE + 0x800).halt().load(m.mem);
            for (int i = 0; i < 5; i++) m.runFrom(cpu, CODE);
            assertEquals(0, m.cache.stats().invalidated());
            m.mem.writeDword(insn(0) + 4, 4);
            assertEquals(1, m.cache.stats().invalidated());
            m.runFrom(cpu, CODE);
            assertEquals(4, cpu.regs[1]);
            TbStats s = m.cache.stats();
            assertEquals(2, s.translated());
            assertTrue(s.format().contains("TB invalidations     1\n"), s.format());
            assertTrue(s.format().contains("jmp cache hit rate   "), s.format());
        }
    }
}
