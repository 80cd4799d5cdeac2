package javelin.ui.fx.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.techsenger.jeditermfx.core.TerminalColor;
import com.techsenger.jeditermfx.core.TextStyle;
import com.techsenger.jeditermfx.core.model.TerminalTextBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.robot.Robot;
import javafx.stage.Stage;
import javelin.ui.fx.FxTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * COM1's terminal on JavaFX's headless platform: guest output goes in through {@code transmit}
 * as a UART sends it, and the screen is read back from the emulator. Expected screens and replies
 * follow the VT100 / xterm control sequences (ECMA-48 and xterm's ctlseqs), not our own output.
 */
class SerialTerminalTest {
    private static final String ESC = "\u001b";

    private SerialTerminal terminal;
    private Stage stage;
    /** What the guest receives; guarded by itself. */
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @BeforeAll
    static void startJavaFx() throws Exception {
        FxTests.start();
    }

    @BeforeEach
    void open() throws Exception {
        terminal = new SerialTerminal("COM1");
        terminal.attach((bytes, offset, length) -> {
            synchronized (received) {
                received.write(bytes, offset, length);
            }
        });
        stage = FxTests.call(() -> {
            Stage s = new Stage();
            s.setScene(new Scene(new javafx.scene.layout.StackPane(terminal.view()), 800, 480));
            s.show();
            terminal.focusNode().requestFocus();
            return s;
        });
        // The emulator starts at 80x24 and takes the window's size at the first layout, which
        // resets the scrolling region: let that happen before the guest "sends" anything.
        await("the terminal to take the window's size", () -> {
            try {
                return FxTests.call(() -> terminal.widget().getTerminalPanel().getTerminalSizeFromComponent())
                        .equals(new com.techsenger.jeditermfx.core.util.TermSize(columns(), rows()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @AfterEach
    void close() throws Exception {
        terminal.close();
        FxTests.run(stage::hide);
    }

    /** Sends {@code text} as the guest's UART would, one byte at a time. */
    private void guestSends(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) terminal.transmit(b & 0xFF);
    }

    private TerminalTextBuffer screen() {
        return terminal.widget().getTerminalTextBuffer();
    }

    private int columns() {
        return screen().getWidth();
    }

    private int rows() {
        return screen().getHeight();
    }

    /** Row {@code row}'s text, read under the buffer's lock (the emulator's thread writes it). */
    private String line(int row) {
        TerminalTextBuffer buffer = screen();
        buffer.lock();
        try {
            return buffer.getLine(row).getText().stripTrailing();
        } finally {
            buffer.unlock();
        }
    }

    /** Waits (10 s backstop) until the emulator's thread has caught up with what was sent. */
    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; the screen:\n" + screen().getScreenLines());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private String receivedText() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends DSR 6n (as Linux's shell and resize(1) do) and returns the cursor report. */
    private String cursorReport() {
        synchronized (received) {
            received.reset();
        }
        guestSends(ESC + "[6n");
        await("a cursor position report", () -> receivedText().endsWith("R"));
        return receivedText().replace(ESC, "ESC");
    }

    /**
     * Waits until the emulator has parsed everything sent so far: it answers a cursor report
     * request only after the bytes before it.
     */
    private void settle() {
        cursorReport();
    }

    @Nested
    class Output {
        @Test
        void printsTextAndMovesToTheNextLineOnCrLf() {
            guestSends("login: root\r\nPassword:");
            await("two lines", () -> line(1).equals("Password:"));
            assertEquals("login: root", line(0));
            assertEquals("ESC[2;10R", cursorReport());
        }

        @Test
        void wrapsAtTheRightMargin() {
            guestSends("x".repeat(columns() + 5));
            await("the wrapped line", () -> line(1).equals("xxxxx"));
            assertEquals("x".repeat(columns()), line(0));
            assertEquals("ESC[2;6R", cursorReport());
        }

        @Test
        void backspaceAndTabMoveTheCursor() {
            guestSends("abc\bX\tY");
            await("text after the tab", () -> line(0).endsWith("Y"));
            assertEquals("abX     Y", line(0));                  // tab stops every 8 columns
        }

        @Test
        void decodesUtf8() {
            guestSends("caf\u00e9 \u2500\u2502");
            await("the text", () -> line(0).equals("caf\u00e9 \u2500\u2502"));
        }
    }

    @Nested
    class CursorMovement {
        @Test
        void cupAndHvpAreOneBasedRowThenColumn() {
            guestSends(ESC + "[5;10H");
            assertEquals("ESC[5;10R", cursorReport());
            guestSends(ESC + "[7;3f");
            assertEquals("ESC[7;3R", cursorReport());
            guestSends(ESC + "[H");
            assertEquals("ESC[1;1R", cursorReport());
        }

        @Test
        void relativeMovesStopAtTheEdges() {
            guestSends(ESC + "[10;10H" + ESC + "[2A" + ESC + "[3C");
            assertEquals("ESC[8;13R", cursorReport());
            guestSends(ESC + "[B" + ESC + "[5D");
            assertEquals("ESC[9;8R", cursorReport());
            guestSends(ESC + "[99A" + ESC + "[99D");
            assertEquals("ESC[1;1R", cursorReport());
        }

        @Test
        void saveAndRestoreCursor() {
            guestSends(ESC + "[4;20H" + ESC + "7" + ESC + "[1;1Hhello" + ESC + "8");
            assertEquals("ESC[4;20R", cursorReport());
        }
    }

    @Nested
    class Erase {
        @Test
        void elErasesToTheEndOfTheLine() {
            guestSends("abcdef\r\nghijkl" + ESC + "[1;4H" + ESC + "[K");
            settle();
            assertEquals("abc", line(0));
            assertEquals("ghijkl", line(1));
        }

        @Test
        void edTwoClearsTheScreen() {
            guestSends("one\r\ntwo\r\n" + ESC + "[2J");
            settle();
            assertEquals("", line(0));
            assertEquals("", line(1));
        }

        @Test
        void edZeroClearsFromTheCursorDown() {
            guestSends("one\r\ntwo\r\nthree" + ESC + "[2;2H" + ESC + "[J");
            settle();
            assertEquals("one", line(0));
            assertEquals("t", line(1));
            assertEquals("", line(2));
        }
    }

    @Nested
    class Attributes {
        @Test
        void sgrSetsColoursBoldAndReverse() {
            guestSends(ESC + "[31;1mR" + ESC + "[0m" + ESC + "[44mB" + ESC + "[7mI" + ESC + "[0mN");
            await("four characters", () -> line(0).equals("RBIN"));
            TextStyle red = screen().getStyleAt(0, 0);
            assertEquals(1, red.getForeground().getColorIndex());          // SGR 31: colour 1, red
            assertTrue(red.hasOption(TextStyle.Option.BOLD));
            TextStyle blue = screen().getStyleAt(1, 0);
            assertEquals(4, blue.getBackground().getColorIndex());         // SGR 44: colour 4, blue
            assertFalse(blue.hasOption(TextStyle.Option.BOLD));
            assertTrue(screen().getStyleAt(2, 0).hasOption(TextStyle.Option.INVERSE));
            TextStyle plain = screen().getStyleAt(3, 0);
            assertFalse(plain.hasOption(TextStyle.Option.INVERSE));
            assertNotEquals(TerminalColor.index(4), plain.getBackground());   // SGR 0 resets it
        }
    }

    @Nested
    class Scrolling {
        @Test
        void lineFeedOnTheLastRowScrollsTheScreen() {
            StringBuilder rows = new StringBuilder();
            int n = rows() + 1;
            for (int i = 1; i <= n; i++) rows.append("row").append(i).append("\r\n");
            guestSends(rows.toString());                             // n lines and n line feeds
            await("the scrolled screen", () -> line(rows() - 2).equals("row" + n));
            assertEquals("row3", line(0));
        }

        @Test
        void decstbmScrollsOnlyTheRegion() {
            guestSends("a\r\nb\r\nc\r\nd\r\ne" + ESC + "[2;4r" + ESC + "[4;1H\n");
            settle();
            assertEquals("a", line(0));                              // above the region: kept
            assertEquals("c", line(1));                              // region rows 2..4 moved up
            assertEquals("d", line(2));
            assertEquals("", line(3));
            assertEquals("e", line(4));                              // below the region: kept
        }
    }

    @Nested
    class View {
        @Test
        void showsTransmittedText() throws Exception {
            WritableImage before = FxTests.call(() -> terminal.view().snapshot(null, null));
            guestSends(ESC + "[41m" + "          " + ESC + "[0m" + "WWWWWWWWWW");
            await("the text", () -> line(0).endsWith("WWWWWWWWWW"));
            await("a red cell on the screen", () -> {
                try {
                    return FxTests.call(() -> countRed(terminal.view().snapshot(null, null))) > 0;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(0, countRed(before));
        }

        private static int countRed(WritableImage image) {
            int red = 0;
            for (int y = 0; y < (int) image.getHeight(); y++) {
                for (int x = 0; x < (int) image.getWidth(); x++) {
                    int argb = image.getPixelReader().getArgb(x, y);
                    int r = argb >> 16 & 0xFF, g = argb >> 8 & 0xFF, b = argb & 0xFF;
                    if (r > 150 && g < 80 && b < 80) red++;
                }
            }
            return red;
        }
    }

    @Nested
    class Keyboard {
        /** What the guest received once it has {@code expected.length()} bytes (10 s backstop). */
        private void assertTyped(String expected, KeyCode... keys) throws Exception {
            assertEquals(expected, typed(expected.length(), keys));
        }

        private String typed(int length, KeyCode... keys) throws Exception {
            synchronized (received) {
                received.reset();
            }
            FxTests.run(() -> {
                Robot robot = new Robot();
                for (KeyCode k : keys) {
                    robot.keyPress(k);
                    robot.keyRelease(k);
                }
            });
            await(length + " typed bytes", () -> receivedText().length() >= length);
            return receivedText();
        }

        private String typedWithCtrl(KeyCode key) throws Exception {
            synchronized (received) {
                received.reset();
            }
            FxTests.run(() -> {
                Robot robot = new Robot();
                robot.keyPress(KeyCode.CONTROL);
                robot.keyPress(key);
                robot.keyRelease(key);
                robot.keyRelease(KeyCode.CONTROL);
            });
            await("a control code", () -> !receivedText().isEmpty());
            return receivedText();
        }

        @Test
        void lettersAndDigitsAreThemselves() throws Exception {
            assertTyped("ls1", KeyCode.L, KeyCode.S, KeyCode.DIGIT1);
        }

        @Test
        void enterIsCarriageReturn() throws Exception {
            assertTyped("\r", KeyCode.ENTER);
        }

        @Test
        void backspaceIsDelete() throws Exception {
            assertTyped("\u007f", KeyCode.BACK_SPACE);
        }

        @Test
        void tabAndEscapeAreTheirControlCodes() throws Exception {
            assertTyped("\t", KeyCode.TAB);
            assertTyped(ESC, KeyCode.ESCAPE);
        }

        @Test
        void arrowsSendCursorKeySequences() throws Exception {
            assertTyped(ESC + "[A" + ESC + "[B" + ESC + "[C" + ESC + "[D", KeyCode.UP, KeyCode.DOWN, KeyCode.RIGHT, KeyCode.LEFT);
        }

        @Test
        void ctrlLetterIsItsControlCode() throws Exception {
            assertEquals("\u0003", typedWithCtrl(KeyCode.C));          // ^C, interrupt
            assertEquals("\u0004", typedWithCtrl(KeyCode.D));          // ^D, end of file
        }
    }

    @Test
    void outputWithoutAViewIsBoundedAndNeverBlocks() {
        SerialTerminal unseen = new SerialTerminal("COM2");
        for (int i = 0; i < SerialTerminal.PENDING_LIMIT + 10; i++) unseen.transmit('x');
        assertEquals(10, unseen.droppedBytes());
        unseen.close();
    }

    @Test
    void viewIsOneNodeForTheLifeOfThePort() throws Exception {
        Node first = FxTests.call(terminal::view);
        assertTrue(first == FxTests.call(terminal::view));
    }
}
