package javelin.ui.fx.terminal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import javafx.scene.input.KeyCode;
import org.junit.jupiter.api.Test;

/** Expected bytes from the VT100 User Guide's control-code table and xterm's ctlseqs. */
class TerminalKeysTest {
    private static byte[] plain(KeyCode k) {
        return TerminalKeys.bytesFor(k, false, false, false);
    }

    private static byte[] ctrl(KeyCode k) {
        return TerminalKeys.bytesFor(k, false, true, false);
    }

    @Test
    void editingKeysSendTheirVt100Codes() {
        assertArrayEquals(new byte[] {'\r'}, plain(KeyCode.ENTER));
        assertArrayEquals(new byte[] {0x7F}, plain(KeyCode.BACK_SPACE));
        assertArrayEquals(new byte[] {'\t'}, plain(KeyCode.TAB));
        assertArrayEquals(new byte[] {0x1B}, plain(KeyCode.ESCAPE));
        assertArrayEquals(new byte[] {0x1B, '[', 'Z'}, TerminalKeys.bytesFor(KeyCode.TAB, true, false, false));
    }

    @Test
    void ctrlLettersAreOneToTwentySix() {
        assertArrayEquals(new byte[] {0x01}, ctrl(KeyCode.A));
        assertArrayEquals(new byte[] {0x03}, ctrl(KeyCode.C));            // ETX: interrupt
        assertArrayEquals(new byte[] {0x04}, ctrl(KeyCode.D));            // EOT: end of file
        assertArrayEquals(new byte[] {0x1A}, ctrl(KeyCode.Z));            // SUB: suspend
    }

    @Test
    void ctrlSymbolsSendTheRestOfTheC0Codes() {
        assertArrayEquals(new byte[] {0x00}, ctrl(KeyCode.SPACE));
        assertArrayEquals(new byte[] {0x1B}, ctrl(KeyCode.OPEN_BRACKET));
        assertArrayEquals(new byte[] {0x1C}, ctrl(KeyCode.BACK_SLASH));
        assertArrayEquals(new byte[] {0x1D}, ctrl(KeyCode.CLOSE_BRACKET));
        assertArrayEquals(new byte[] {0x1E}, ctrl(KeyCode.DIGIT6));
        assertArrayEquals(new byte[] {0x1F}, ctrl(KeyCode.MINUS));
    }

    @Test
    void keysWithModesOrTextAreLeftToTheEmulator() {
        assertNull(plain(KeyCode.UP));                                    // ESC [ A or ESC O A (DECCKM)
        assertNull(plain(KeyCode.F1));
        assertNull(plain(KeyCode.A));
        assertNull(ctrl(KeyCode.F5));
        assertNull(TerminalKeys.bytesFor(KeyCode.X, false, false, true)); // Alt+x: ESC x, emulator's
        assertNull(TerminalKeys.bytesFor(KeyCode.Q, false, true, true));  // Ctrl+Alt is AltGr on some hosts
    }
}
