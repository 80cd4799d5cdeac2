package javelin.cpu.x86.guest;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Runs each self-checking guest program of {@code src/test/asm} on the interpreter. A
 * program reports through port 0xE9 and ends by writing 0 (all checks passed) or the number
 * of its failing check to port 0xF4; the checks and their expected values are in the
 * assembly sources, taken from the Intel SDM.
 */
class GuestProgramTest {
    static final long BUDGET = 20_000_000;

    static GuestProgram.Result run(String program) throws Exception {
        byte[] rom = GuestProgram.assemble(GuestProgram.asmDir().resolve(program));
        return new GuestProgram(rom).run(BUDGET);
    }

    static void assertPassed(GuestProgram.Result r, String expectedText) {
        assertAll(
                () -> assertEquals(0, r.status(), "exit status (failing check number); console:\n" + r.console()),
                () -> assertTrue(r.console().contains(expectedText), "console:\n" + r.console()),
                () -> assertFalse(r.shutdown(), "unexpected triple fault; console:\n" + r.console()));
    }

    @Test
    void realModeInterruptsAndFarTransfers() throws Exception {
        assertPassed(run("realmode.asm"), "realmode: all checks passed");
    }

    @Test
    void realToProtectedToPagingToV86AndBackToReal() throws Exception {
        assertPassed(run("modes.asm"), "modes: real mode again, all checks passed");
    }

    @Test
    void segmentDescriptorChecksInProtectedMode() throws Exception {
        assertPassed(run("segmentation.asm"), "segmentation: all checks passed");
    }

    @Test
    void gatesWithPrivilegeChange() throws Exception {
        assertPassed(run("gates.asm"), "gates: all checks passed");
    }

    @Test
    void pageFaultErrorCodes() throws Exception {
        assertPassed(run("paging.asm"), "paging: all checks passed");
    }

    @Test
    void taskSwitchesAndDoubleFaultTask() throws Exception {
        assertPassed(run("tasks.asm"), "tasks: all checks passed");
    }

    @Test
    void virtual8086ModeWithAndWithoutVme() throws Exception {
        assertPassed(run("v86.asm"), "v86: all checks passed");
    }

    @Test
    void tripleFaultRequestsShutdown() throws Exception {
        GuestProgram.Result r = run("triple.asm");
        assertAll(
                () -> assertTrue(r.shutdown(), "shutdown requested; console:\n" + r.console()),
                () -> assertEquals(-1, r.status(), "the exit port is never reached"),
                () -> assertTrue(r.console().contains("triple: faulting now"), r.console()));
    }
}
