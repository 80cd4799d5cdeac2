package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.testing.TestMachine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two vCPU threads (each its own CpuState and Interpreter) share RAM and run the same
 * program; the shared counter at 2000h must come out exact. Without atomic read-modify-writes
 * the increments race and updates are lost.
 */
class AtomicOpsStressTest {
    private static final int COUNTER = 0x2000, ITERATIONS = 500_000, THREADS = 2;

    private static int runOnAllCpus(int[] program) throws InterruptedException {
        try (TestMachine m = TestMachine.builder().ram(1 << 20).vcpus(THREADS).interpreter().build()) {
            m.load(0x1000, program);
            Thread[] threads = new Thread[THREADS];
            CountDownLatch start = new CountDownLatch(1);
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < THREADS; t++) {
                CpuState cpu = m.cpu(t);
                cpu.enterFlatProtectedMode();
                cpu.eip = 0x1000;
                cpu.regs[ESP] = 0x8000 + 0x1000 * t;
                int index = t;
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                        while (!cpu.halted) m.runSlice(index);
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                }, "vcpu-" + t);
                threads[t].setDaemon(true);   // a lost update can deadlock the spinlock test: never keep the JVM alive
            }
            for (Thread t : threads) t.start();
            start.countDown();
            for (Thread t : threads) {
                t.join(120_000);
                assertFalse(t.isAlive(), "vCPU thread did not finish");
            }
            assertNull(failure[0]);
            return m.mem.readDword(COUNTER);
        }
    }

    private static int[] withCount(int[] program) {
        program[1] = ITERATIONS & 0xFF;
        program[2] = (ITERATIONS >>> 8) & 0xFF;
        program[3] = (ITERATIONS >>> 16) & 0xFF;
        return program;
    }

    @Test
    @DisplayName("[LOCK-1] concurrent LOCK INC loses no update")
    void lockIncLosesNoUpdate() throws InterruptedException {
        int[] program = withCount(new int[] {
                0xB9, 0, 0, 0, 0,                                  // mov ecx, N
                0xF0, 0xFF, 0x05, 0x00, 0x20, 0x00, 0x00,          // L: lock inc dword [2000h]
                0xE2, 0xF7,                                        // loop L
                0xF4});
        assertEquals(THREADS * ITERATIONS, runOnAllCpus(program));
    }

    @Test
    @DisplayName("[LOCK-2] a CMPXCHG retry loop counts every increment once")
    void cmpxchgRetryLoopCountsEveryIncrement() throws InterruptedException {
        int[] program = withCount(new int[] {
                0xB9, 0, 0, 0, 0,                                  // mov ecx, N
                0xA1, 0x00, 0x20, 0x00, 0x00,                      // L: mov eax, [2000h]
                0x8D, 0x50, 0x01,                                  // lea edx, [eax+1]
                0xF0, 0x0F, 0xB1, 0x15, 0x00, 0x20, 0x00, 0x00,    // lock cmpxchg [2000h], edx
                0x75, 0xEE,                                        // jnz L
                0xE2, 0xEC,                                        // loop L
                0xF4});
        assertEquals(THREADS * ITERATIONS, runOnAllCpus(program));
    }

    @Test
    @DisplayName("[LOCK-1] an XCHG spinlock makes a plain INC exclusive")
    void xchgSpinlockProtectsAPlainIncrement() throws InterruptedException {
        int[] program = withCount(new int[] {
                0xB9, 0, 0, 0, 0,                                  // mov ecx, N
                0xB8, 0x01, 0x00, 0x00, 0x00,                      // spin: mov eax, 1
                0x87, 0x05, 0x00, 0x30, 0x00, 0x00,                // xchg [3000h], eax
                0x85, 0xC0,                                        // test eax, eax
                0x75, 0xF1,                                        // jnz spin
                0xFF, 0x05, 0x00, 0x20, 0x00, 0x00,                // inc dword [2000h]
                0xC7, 0x05, 0x00, 0x30, 0x00, 0x00, 0, 0, 0, 0,    // mov dword [3000h], 0
                0xE2, 0xDF,                                        // loop spin
                0xF4});
        assertEquals(THREADS * ITERATIONS, runOnAllCpus(program));
    }
}
