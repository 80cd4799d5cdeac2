package javelin.ui.fx.terminal;

import com.techsenger.jeditermfx.core.TtyConnector;
import com.techsenger.jeditermfx.ui.JediTermFxWidget;
import com.techsenger.jeditermfx.ui.settings.DefaultSettingsProvider;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.input.KeyEvent;
import javelin.devices.serial.SerialBackend;

/**
 * A serial port shown as a terminal (QEMU's {@code -serial vc}): what the guest transmits is
 * parsed by a VT100/xterm emulator (JediTermFX) and drawn in {@link #view()}; what the user types
 * there is sent to the guest as a VT100 keyboard sends it (Enter CR, Backspace DEL, arrows
 * {@code ESC [ A}..., Ctrl+letter the control code).
 *
 * <p>Characters are UTF-8 both ways, as a Linux console on a serial line uses them; a malformed
 * sequence shows as U+FFFD.
 *
 * <p>Invariants:
 * <ul>
 * <li>[ST-1] {@link #transmit} never blocks: the UART calls it with the machine lock held. It
 *     appends to {@link #pending} under this object's monitor, which the emulator's reader only
 *     holds to swap buffers. Past {@link #PENDING_LIMIT} unread bytes (no view, or a view that
 *     cannot keep up) further output is dropped, not buffered without bound.
 * <li>[ST-2] Only the emulator's thread (JediTerm's "TerminalStarter") calls the connector's
 *     {@code read}; the decoder and {@link #decoded} belong to it.
 * <li>[ST-3] Keys reach the guest only through {@link HostInput#receive}, which is thread-safe.
 * </ul>
 */
public final class SerialTerminal implements SerialBackend {
    /** Unread output kept for the view: a screenful many times over. */
    static final int PENDING_LIMIT = 1 << 20;
    static final int COLUMNS = 80, ROWS = 24;

    private final String name;
    /** Guest output not yet read by the emulator; guarded by this. */
    private ByteBuffer pending = ByteBuffer.allocate(4096);
    /** Guarded by this. */
    private boolean closed;
    /** Bytes dropped because {@link #pending} was full; guarded by this. */
    private long dropped;
    /** Set once by the UART's constructor; read by the emulator's key path. */
    private volatile HostInput input;

    /** Emulator thread only [ST-2]: UTF-8 decoder state across reads and decoded characters not yet returned. */
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private final CharBuffer decoded = CharBuffer.allocate(8192).flip();

    /** JavaFX thread only. */
    private JediTermFxWidget widget;

    /** A terminal named {@code name} (shown by the emulator, e.g. "COM1"). */
    public SerialTerminal(String name) {
        this.name = name;
    }

    @Override public synchronized void transmit(int b) {
        if (closed) return;
        if (!pending.hasRemaining()) {
            if (pending.capacity() >= PENDING_LIMIT) {
                dropped++;
                return;
            }
            pending = ByteBuffer.allocate(pending.capacity() * 2).put(pending.flip());
        }
        pending.put((byte) b);
        if (pending.position() == 1) notifyAll();
    }

    @Override public void attach(HostInput input) {
        this.input = input;
    }

    @Override public void close() {
        synchronized (this) {
            if (closed) return;                                   // the widget's close calls back here
            closed = true;
            notifyAll();
        }
        if (Platform.isFxApplicationThread()) {
            stopWidget();
        } else {
            try {
                Platform.runLater(this::stopWidget);
            } catch (IllegalStateException platformGone) {
                // JavaFX has already ended; the emulator thread ends on its own at end of input.
            }
        }
    }

    /** Bytes of guest output dropped because nothing read them [ST-1]. */
    synchronized long droppedBytes() {
        return dropped;
    }

    /**
     * The terminal's node, built on first use and connected to this port; JavaFX thread only.
     * Give it the focus for typing to reach the guest.
     */
    public Node view() {
        if (widget == null) {
            widget = new JediTermFxWidget(COLUMNS, ROWS, new DefaultSettingsProvider());
            widget.setTtyConnector(new Connector());
            widget.start();
            // On the pane, so these filters run before the emulator's own, which sit on its canvas.
            Node pane = widget.getPane();
            pane.addEventFilter(KeyEvent.KEY_PRESSED, this::keyPressed);
            pane.addEventFilter(KeyEvent.KEY_TYPED, this::keyTyped);
            // The emulator's key handlers are on its canvas: focus given to the view goes there.
            Node canvas = widget.getTerminalPanel().getCanvas();
            pane.focusedProperty().addListener((obs, was, is) -> {
                if (is) canvas.requestFocus();
            });
        }
        return widget.getPane();
    }

    /**
     * The node that takes keyboard focus within {@link #view()}: the emulator's canvas, which
     * holds its key handlers (the widget's own "preferred focusable node" does not); JavaFX
     * thread only.
     */
    public Node focusNode() {
        view();
        return widget.getTerminalPanel().getCanvas();
    }

    /** The emulator behind {@link #view()}, for tests that read its screen; JavaFX thread to create. */
    JediTermFxWidget widget() {
        return widget;
    }

    /**
     * Sends the keys {@link TerminalKeys} maps through the emulator's own output queue, so they
     * stay in order with the text it sends for other keys; modifier keys alone send nothing
     * (some platforms report a NUL character for them).
     */
    private void keyPressed(KeyEvent e) {
        if (e.getCode().isModifierKey()) {
            e.consume();
            return;
        }
        byte[] bytes = TerminalKeys.bytesFor(e.getCode(), e.isShiftDown(), e.isControlDown(), e.isAltDown());
        if (bytes == null) return;
        e.consume();
        var starter = widget.getTerminalStarter();
        if (starter != null) {
            starter.sendBytes(bytes, true);
        } else {
            type(bytes);                                          // the emulator is still starting
        }
    }

    /** Ctrl+key was sent on the press; its typed character (U+0003 or "c", by platform) is not text. */
    private void keyTyped(KeyEvent e) {
        if (e.isControlDown() && !e.isAltDown()) e.consume();
    }

    private void stopWidget() {
        if (widget != null) widget.close();
    }

    /** Sends typed text to the guest [ST-3]; dropped before the UART attaches. */
    private void type(byte[] bytes) {
        HostInput in = input;
        if (in != null && bytes.length > 0) in.receive(bytes, 0, bytes.length);
    }

    /**
     * Waits for guest output and moves it into the decoder's input; false at close. Emulator
     * thread only.
     */
    private boolean awaitOutput(ByteBuffer into) throws InterruptedException {
        synchronized (this) {
            while (pending.position() == 0 && !closed) wait();
            if (pending.position() == 0) return false;
            pending.flip();
            int n = Math.min(pending.remaining(), into.remaining());
            into.put(into.position(), pending, pending.position(), n);
            into.position(into.position() + n);
            pending.position(pending.position() + n).compact();
            return true;
        }
    }

    private synchronized boolean hasOutput() {
        return pending.position() > 0;
    }

    /** JediTerm's view of the port: it reads guest output and writes what the user types. */
    private final class Connector implements TtyConnector {
        /** Emulator thread only: undecoded bytes, including an incomplete UTF-8 sequence. */
        private final ByteBuffer raw = ByteBuffer.allocate(4096);

        @Override public int read(char[] buf, int offset, int length) {
            try {
                while (!decoded.hasRemaining()) {
                    if (!awaitOutput(raw)) return -1;
                    raw.flip();
                    decoded.clear();
                    decoder.decode(raw, decoded, false);
                    decoded.flip();
                    raw.compact();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
            int n = Math.min(length, decoded.remaining());
            decoded.get(buf, offset, n);
            return n;
        }

        @Override public void write(byte[] bytes) {
            type(bytes);
        }

        @Override public void write(String string) {
            type(string.getBytes(StandardCharsets.UTF_8));
        }

        @Override public boolean isConnected() {
            synchronized (SerialTerminal.this) {
                return !closed;
            }
        }

        @Override public int waitFor() throws InterruptedException {
            synchronized (SerialTerminal.this) {
                while (!closed) SerialTerminal.this.wait();
            }
            return 0;
        }

        @Override public boolean ready() {
            return decoded.hasRemaining() || hasOutput();
        }

        @Override public String getName() {
            return name;
        }

        @Override public void close() {
            SerialTerminal.this.close();
        }
    }
}
