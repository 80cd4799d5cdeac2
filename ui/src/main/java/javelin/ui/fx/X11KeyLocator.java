package javelin.ui.fx;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Finds which of a left/right key pair is down by asking the X server for its key bitmap
 * ({@code XQueryKeymap}) at the moment JavaFX delivers the key event. JavaFX gives Shift_R,
 * Control_R, Super_R and KP_Enter the same key code as their left twins; the server still knows
 * which physical key (X key code) is held.
 *
 * <p>Uses libX11 through the Foreign Function & Memory API on its own display connection,
 * opened once per process and used only on the JavaFX thread (Xlib connections are not thread-safe, and
 * glass's connection is not ours to share). The query is a server round trip per press of one
 * of the four ambiguous keys, a few hundred microseconds locally. A key tapped and released
 * before JavaFX handles its press reads as neither: the caller then keeps the left key.
 */
final class X11KeyLocator implements KeyLocator {
    private static final System.Logger LOG = System.getLogger(X11KeyLocator.class.getName());

    // X keysyms (X11/keysymdef.h).
    static final long XK_SHIFT_L = 0xffe1, XK_SHIFT_R = 0xffe2;
    static final long XK_CONTROL_L = 0xffe3, XK_CONTROL_R = 0xffe4;
    static final long XK_SUPER_L = 0xffeb, XK_SUPER_R = 0xffec;
    static final long XK_RETURN = 0xff0d, XK_KP_ENTER = 0xff8d;
    /** XQueryKeymap fills 32 bytes: bit (code &amp; 7) of byte (code &gt;&gt; 3) is X key code {@code code}. */
    static final int KEYMAP_BYTES = 32;

    /** X key codes of one pair in the server's current keyboard mapping; 0 where a keysym has no key. */
    record Pair(int left, int right) { }

    private final MethodHandle queryKeymap;
    private final MemorySegment display;
    private final MemorySegment keymap;
    private final Pair shift, control, windows, enter;

    private X11KeyLocator(MethodHandle queryKeymap, MemorySegment display, MemorySegment keymap,
            Pair shift, Pair control, Pair windows, Pair enter) {
        this.queryKeymap = queryKeymap;
        this.display = display;
        this.keymap = keymap;
        this.shift = shift;
        this.control = control;
        this.windows = windows;
        this.enter = enter;
    }

    private static Optional<X11KeyLocator> shared;

    /** One locator on {@code DISPLAY} per process, opened on first use: every window shares its connection. */
    static synchronized Optional<X11KeyLocator> shared() {
        if (shared == null) shared = open();
        return shared;
    }

    /**
     * Opens a connection to the display in {@code DISPLAY}; empty (with one debug log line) if
     * libX11 is missing, native access is denied, or the server refuses.
     */
    static Optional<X11KeyLocator> open() {
        return open(null);
    }

    /** As {@link #open()}, on the named display (":1"); null means {@code DISPLAY}. */
    static Optional<X11KeyLocator> open(String displayName) {
        try {
            Arena arena = Arena.global();      // the library and the connection live as long as the process
            SymbolLookup x11 = SymbolLookup.libraryLookup("libX11.so.6", arena);
            Linker linker = Linker.nativeLinker();
            MethodHandle openDisplay = linker.downcallHandle(x11.findOrThrow("XOpenDisplay"),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MethodHandle keysymToKeycode = linker.downcallHandle(x11.findOrThrow("XKeysymToKeycode"),
                    FunctionDescriptor.of(ValueLayout.JAVA_BYTE, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            MethodHandle queryKeymap = linker.downcallHandle(x11.findOrThrow("XQueryKeymap"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
            MemorySegment name = displayName == null ? MemorySegment.NULL : arena.allocateFrom(displayName);
            MemorySegment display = (MemorySegment) openDisplay.invokeExact(name);
            if (display.equals(MemorySegment.NULL)) {
                LOG.log(System.Logger.Level.DEBUG, "XOpenDisplay failed; right Shift/Ctrl/Windows and keypad Enter arrive as the left keys");
                return Optional.empty();
            }
            return Optional.of(new X11KeyLocator(queryKeymap, display, arena.allocate(KEYMAP_BYTES),
                    pair(keysymToKeycode, display, XK_SHIFT_L, XK_SHIFT_R),
                    pair(keysymToKeycode, display, XK_CONTROL_L, XK_CONTROL_R),
                    pair(keysymToKeycode, display, XK_SUPER_L, XK_SUPER_R),
                    pair(keysymToKeycode, display, XK_RETURN, XK_KP_ENTER)));
        } catch (Throwable t) {   // UnsatisfiedLink, IllegalCaller (native access), anything from the downcall
            LOG.log(System.Logger.Level.DEBUG, "no X11 key locator (" + t + "); right Shift/Ctrl/Windows and keypad Enter arrive as the left keys");
            return Optional.empty();
        }
    }

    private static Pair pair(MethodHandle keysymToKeycode, MemorySegment display, long left, long right) throws Throwable {
        int l = Byte.toUnsignedInt((byte) keysymToKeycode.invokeExact(display, left));
        int r = Byte.toUnsignedInt((byte) keysymToKeycode.invokeExact(display, right));
        return new Pair(l, r);
    }

    /** The pair of X key codes behind a JavaFX key code, or null for keys without a twin. */
    Pair pairOf(javafx.scene.input.KeyCode host) {
        return switch (host) {
            case SHIFT -> shift;
            case CONTROL -> control;
            case WINDOWS, META, COMMAND -> windows;   // KeyMap sends all three to the Windows key
            case ENTER -> enter;
            default -> null;
        };
    }

    @Override
    public Side sideOf(javafx.scene.input.KeyCode host) {
        Pair p = pairOf(host);
        if (p == null) return Side.UNKNOWN;
        try {
            int ignored = (int) queryKeymap.invokeExact(display, keymap);
        } catch (Throwable t) {
            return Side.UNKNOWN;
        }
        return side(keymap.toArray(ValueLayout.JAVA_BYTE), p);
    }

    /** Reads a pair out of an XQueryKeymap bitmap. */
    static Side side(byte[] keymap, Pair p) {
        boolean left = isDown(keymap, p.left()), right = isDown(keymap, p.right());
        if (left && right) return Side.BOTH;
        if (left) return Side.LEFT;
        if (right) return Side.RIGHT;
        return Side.UNKNOWN;
    }

    /** Whether X key code {@code code} is set in the bitmap; key code 0 (a keysym with no key) never is. */
    static boolean isDown(byte[] keymap, int code) {
        return code != 0 && (keymap[code >> 3] & (1 << (code & 7))) != 0;
    }
}
