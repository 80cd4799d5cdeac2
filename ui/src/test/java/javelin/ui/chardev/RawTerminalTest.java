package javelin.ui.chardev;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class RawTerminalTest {
    @Test
    void leavesTheTerminalAloneWhenStandardInputIsNotATerminal() {
        // Surefire's forked JVM reads its commands from a pipe, never a terminal.
        assertFalse(RawTerminal.enter());
    }
}
