package javelin.cpu.x86.smp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A guest ticket spin lock ({@code ticketlock.asm}: LOCK XADD takes a ticket, PAUSE-spin on
 * now-serving, a plain store releases) protecting a non-atomic load/add/store counter. The
 * count is exact only if LOCK XADD hands out unique tickets and TSO keeps the critical
 * section's store before the releasing store (SDM vol. 3, 8.2.2).
 *
 * <p>Checked to fail: with LOCK dropped from the XADD, two vCPUs drew the same ticket and the
 * count came out short (or the lock wedged and the timeout fired).
 */
class TicketLockStressTest {
    private static final int COUNTER = SmpProgram.SHARED + 3 * 64;

    private static void exactCount(int vcpus, int iterations) throws InterruptedException {
        try (SmpProgram m = new SmpProgram("ticketlock.asm", vcpus)) {
            m.poke(SmpProgram.P_ITER, iterations);
            m.run(Duration.ofSeconds(120));
            assertEquals(vcpus * iterations, m.peek(COUNTER));
        }
    }

    @Test
    @DisplayName("[LOCK-1] [TSO-1] ticket lock, 2 vCPUs: exact count of a plain increment")
    void twoVcpus() throws InterruptedException {
        exactCount(2, 50_000);
    }

    @Test
    @DisplayName("[LOCK-1] [TSO-1] ticket lock, 4 vCPUs on fewer host cores: exact count")
    void fourVcpus() throws InterruptedException {
        exactCount(4, 500);
    }
}
