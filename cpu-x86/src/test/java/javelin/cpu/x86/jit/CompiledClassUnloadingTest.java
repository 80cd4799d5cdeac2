package javelin.cpu.x86.jit;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import javelin.cpu.x86.testing.TestMachine;
import org.junit.jupiter.api.Test;

/**
 * The class budget of the bytecode tier: a guest that rewrites a hot loop many times makes a
 * compiled class per version, and the classes of the versions its stores invalidated are
 * unloaded, so defined minus unloaded stays bounded (JPC's 100,000 classes per boot is the
 * warning). Every block is compiled before its first run (threshold 0).
 */
class CompiledClassUnloadingTest {
    private static final int CODE = 0x1000, STACK_TOP = 0x8000, REWRITES = 300, TURNS = 50;

    /**
     * outer: mov ecx, TURNS
     * loop:  mov eax, imm32         ; the imm32 is rewritten each time round the outer loop
     *        add ebx, eax
     *        dec ecx
     *        jnz loop               ; a block that loops on itself
     *        mov [loop+1], edx      ; rewrites the loop's immediate: its block is invalidated
     *        inc edx
     *        dec edi
     *        jnz outer
     *        hlt
     */
    private static final int[] PROGRAM = {
            0xB9, TURNS, 0, 0, 0,                   // 1000: mov ecx, TURNS
            0xB8, 0, 0, 0, 0,                       // 1005: mov eax, imm32
            0x01, 0xC3,                             // 100A: add ebx, eax
            0x49,                                   // 100C: dec ecx
            0x75, 0xF6,                             // 100D: jnz 1005
            0x89, 0x15, 0x06, 0x10, 0x00, 0x00,     // 100F: mov [1006], edx
            0x42,                                   // 1015: inc edx
            0x4F,                                   // 1016: dec edi
            0x75, 0xE7,                             // 1017: jnz 1000
            0xF4                                    // 1019: hlt
    };

    @Test
    void classesOfRewrittenCodeAreUnloaded() {
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        JitCompiler jit = new JitCompiler(0);
        long unloadedBefore = classes.getUnloadedClassCount();
        try (TestMachine m = TestMachine.builder().jit(jit).build()) {
            m.load(CODE, PROGRAM);
            m.cpu().enterFlatProtectedMode();
            m.cpu().regs[ESP] = STACK_TOP;
            m.cpu().regs[EDI] = REWRITES;
            m.cpu().regs[EDX] = 1;
            m.runUntilHalt(0, CODE, 100_000);
            // Version v of the loop adds v (its immediate, 0 for the first) TURNS times.
            long sum = 0;
            for (int v = 0; v < REWRITES; v++) sum += (long) v * TURNS;
            assertEquals((int) sum, m.cpu().regs[EBX], "the rewritten loops ran their new code");
            long defined = jit.stats().compiled();
            assertTrue(defined >= REWRITES, "a class per version of the loop: " + defined);
            // With the machine still running, only the blocks its stores invalidated are garbage.
            long unloaded = 0;
            for (int i = 0; i < 10 && unloaded < defined - 20; i++) {
                System.gc();
                unloaded = classes.getUnloadedClassCount() - unloadedBefore;
            }
            assertTrue(unloaded >= defined - 20, "defined " + defined + " compiled classes, unloaded " + unloaded);
        } finally {
            jit.close();
        }
    }
}
