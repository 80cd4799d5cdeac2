package javelin.devices.display;

import static javelin.devices.display.Vga.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;

/**
 * Paints the adapter's current mode into the {@link Framebuffer}, the way the VGA's CRT
 * controller, attribute controller and DAC turn video memory into pixels (IBM VGA Technical
 * Reference: CRTC addressing, attribute controller data path; Bochs VBE for DISPI modes).
 *
 * <p>Modes: alphanumeric (8- or 9-dot characters, font from plane 2 with both character maps,
 * the line-graphics ninth-column rule for 0xC0-0xDF, cursor start/end/position, character and
 * cursor blink from the virtual clock); planar 16-colour (modes 0Dh-12h); CGA 2-bit interleaved
 * (modes 4/5) and the CGA address substitution of row-scan bits (modes 4-6); 256-colour, chained
 * (13h) or not (mode X), with byte, word or doubleword CRTC addressing; the line compare split
 * screen; horizontal pel panning in graphics modes (with the PP bit for the split screen);
 * VBE 8/15/16/24/32 bpp with panning. The output has one pixel per distinct pixel: line
 * and pixel doubling are undone (mode 13h is 320x200), 9-dot text is 720 wide.
 *
 * <p>Not modelled: pel panning in text modes, the underline attribute of monochrome text, the
 * CRTC word-mode rotation of MA13/MA15 into address bit 0, cursor skew, overscan colour.
 *
 * <p>Only what changed is painted. For every output line the renderer knows which span of
 * video memory it came from and keeps a copy of that span ("shadow"); a line whose span,
 * palette and layout are unchanged is skipped. This one mechanism covers writes through the
 * VGA window, CPU writes to the LFB (which never pass through the device) and snapshot
 * restores. Text rows also compare the font and redraw around the cursor when it moves or
 * blinks.
 *
 * <p>Threading: {@link #render()} is called with the machine lock held (from the refresh timer
 * {@link #start()} arms on the virtual clock, or by the board); it reads registers but never
 * changes device state. {@link #screenText()} likewise.
 */
public final class VgaRenderer {
    /** Refresh period of the display timer: 60 frames per virtual second. */
    static final long REFRESH_NANOS = 1_000_000_000L / 60;
    /** IBM VGA: the cursor blinks at 1/16 of the vertical rate, characters at 1/32. */
    static final int CURSOR_BLINK_FRAMES = 8;
    static final int CHAR_BLINK_FRAMES = 16;
    static final int FONT_BYTES_PER_CHAR = 32;
    static final int FONT_MAP_BYTES = 256 * FONT_BYTES_PER_CHAR;
    private static final int BLACK = 0xFF00_0000;
    /** Text attribute byte: bit 7 blinks (when enabled), bit 3 picks character map A. */
    static final int TEXT_ATTR_BLINK = 0x80;
    static final int TEXT_ATTR_MAP_A = 0x08;
    /** Characters whose ninth dot repeats the eighth when line graphics are enabled. */
    static final int LINE_GRAPHICS_FIRST = 0xC0;
    static final int LINE_GRAPHICS_LAST = 0xDF;
    /** A glyph row with all nine dots lit, for cursor scanlines. */
    private static final int CURSOR_GLYPH = 0x1FF;
    /** CGA compatibility: the plane-offset bits that row-scan bits 0 and 1 replace. */
    static final int CMS_ADDRESS_BIT = 13;
    static final int SRI_ADDRESS_BIT = 14;

    /** CP437 upper half, for {@link #screenText()} (IBM PC character set, code page 437). */
    static final String CP437_HIGH =
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐"
            + "└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00A0";

    private enum Kind { BLANK, TEXT, PLANAR, CGA2, COLOR256, VBE }

    /** Everything that decides where each line's pixels come from; a change repaints all. */
    private record Layout(Kind kind, int width, int height, int start, int rowCounterStep, int addressShift,
                          int substitution, int rowsPerCounter, int charWidth, int charHeight, int splitLine,
                          int bpp, int fontMaps, int pan, boolean panUpperOnly) {
        /** Character clocks fetched per line: one more than displayed when panned. */
        int fetchedChars() {
            return width / charWidth + (pan != 0 ? 1 : 0);
        }
    }

    private final Vga vga;
    private final Framebuffer framebuffer;
    private final VirtualClock clock;
    private Timer refreshTimer;

    // ---- caches (never state) ----
    private Layout layout;
    private MemorySegment shadow = MemorySegment.NULL;
    private int shadowLineBytes;
    private boolean[] shadowValid = new boolean[0];
    private int[] palette = new int[0];
    private final byte[] font = new byte[2 * FONT_MAP_BYTES];
    private int cursorKey = -1;
    private int cursorRow = -1;
    private boolean charBlinkOn = true;
    private int[] row = new int[0];

    public VgaRenderer(Vga vga, Framebuffer framebuffer) {
        this.vga = vga;
        this.framebuffer = framebuffer;
        this.clock = vga.clock();
    }

    public Framebuffer framebuffer() {
        return framebuffer;
    }

    /** Arms the refresh timer: from now on a frame is rendered every {@link #REFRESH_NANOS}. */
    public void start() {
        if (refreshTimer == null) refreshTimer = clock.newTimer("vga.refresh", this::refresh);
        refreshTimer.armAt(clock.nanos() + REFRESH_NANOS);
    }

    public void stop() {
        if (refreshTimer != null) refreshTimer.cancel();
    }

    private void refresh() {
        render();
        refreshTimer.armAt(refreshTimer.deadline() + REFRESH_NANOS);
    }

    /** Forgets every cache so the next frame repaints the whole screen. */
    public void invalidate() {
        layout = null;
    }

    /** Renders one frame into the framebuffer. Called with the machine lock held. */
    public void render() {
        Layout next = currentLayout();
        if (!next.equals(layout)) {
            layout = next;
            framebuffer.resize(next.width(), next.height());
            if (row.length < next.width() + 8) row = new int[next.width() + 8];
            shadowLineBytes = lineSourceBytes(next);
            long bytes = (long) shadowLineBytes * next.height();
            shadow = bytes == 0 ? MemorySegment.NULL : Arena.ofAuto().allocate(bytes);
            shadowValid = new boolean[next.height()];
            palette = new int[0];
            cursorKey = -1;
        }
        switch (layout.kind()) {
            case BLANK -> paintBlank();
            case TEXT -> paintText();
            case VBE -> paintLines(vbePalette());
            default -> paintLines(vgaPalette());
        }
        framebuffer.endFrame();
    }

    // ==== layout ===========================================================================

    private Layout currentLayout() {
        BochsVbe vbe = vga.vbe();
        if (vbe.isEnabled()) {
            return new Layout(Kind.VBE, vbe.xres(), vbe.yres(), vbe.startOffset(), vbe.lineBytes(), 0, 0, 1, 0, 0,
                    Integer.MAX_VALUE, vbe.bpp(), 0, 0, false);
        }
        int maxScan = vga.crtc(CRTC_MAX_SCAN_LINE);
        int doubleScan = (maxScan & MAX_SCAN_DOUBLE) != 0 ? 2 : 1;
        int scanLines = (maxScan & MAX_SCAN_LINES) + 1;
        int chars = vga.crtc(CRTC_H_DISPLAY_END) + 1;
        int lines = Math.max(1, vga.verticalDisplayEnd() / doubleScan);
        int start = vga.crtc(CRTC_START_HIGH) << 8 | vga.crtc(CRTC_START_LOW);
        int step = vga.crtc(CRTC_OFFSET) * 2;
        int mode = vga.crtc(CRTC_MODE_CONTROL);
        int shift = (vga.crtc(CRTC_UNDERLINE) & UNDERLINE_DWORD) != 0 ? 2 : (mode & MODE_CONTROL_BYTE) != 0 ? 0 : 1;
        int split = Math.min(Integer.MAX_VALUE - 1, vga.lineCompare() + 1) / doubleScan;
        boolean off = (vga.seq(SEQ_CLOCKING_MODE) & CLOCKING_SCREEN_OFF) != 0 || !vga.paletteAddressSource();
        if (off) return new Layout(Kind.BLANK, Math.max(8, chars * 8), lines, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, false);
        int attrMode = vga.attr(ATTR_MODE_CONTROL);
        if ((attrMode & ATTR_MODE_GRAPHICS) == 0) {
            int cw = (vga.seq(SEQ_CLOCKING_MODE) & CLOCKING_8DOT) != 0 ? 8 : 9;
            int rows = (lines + scanLines - 1) / scanLines;
            return new Layout(Kind.TEXT, chars * cw, rows * scanLines, start, step, shift, 0, 1, cw, scanLines,
                    split, 0, vga.seq(SEQ_CHAR_MAP_SELECT), 0, false);
        }
        int substitution = ~mode & (MODE_CONTROL_CMS | MODE_CONTROL_SRI);
        int rowsPerCounter = substitution != 0 ? scanLines : 1;
        int height = Math.max(1, substitution != 0 ? lines : lines / scanLines);
        int splitLine = substitution != 0 ? split : split / scanLines;
        // Horizontal pel panning (attribute 13h): pixels skipped at the start of each line; in
        // 256-colour mode only even values count, one pixel per two. PP (mode control bit 5)
        // leaves the part below the line compare split unpanned.
        int panRegister = vga.attr(ATTR_H_PEL_PANNING) & PEL_PANNING_GRAPHICS;
        boolean upperOnly = (attrMode & ATTR_MODE_PEL_PANNING_COMPAT) != 0;
        if ((attrMode & ATTR_MODE_8BIT) != 0) {
            return new Layout(Kind.COLOR256, chars * 4, height, start, step, shift, substitution, rowsPerCounter,
                    4, 0, splitLine, 8, 0, panRegister >> 1, upperOnly);
        }
        Kind kind = (vga.gc(GC_MODE) & GC_MODE_SHIFT_INTERLEAVE) != 0 ? Kind.CGA2 : Kind.PLANAR;
        return new Layout(kind, chars * 8, height, start, step, shift, substitution, rowsPerCounter, 8, 0,
                splitLine, 4, 0, panRegister, upperOnly);
    }

    /** Bytes of video memory one output line (or text row) depends on. */
    private static int lineSourceBytes(Layout l) {
        return switch (l.kind()) {
            case BLANK -> 0;
            case VBE -> l.width() * ((l.bpp() + 7) / 8);
            default -> {
                int chars = l.kind() == Kind.TEXT ? l.width() / l.charWidth() : l.fetchedChars();
                yield ((chars - 1) << l.addressShift()) * 4 + 4;
            }
        };
    }

    // ==== palettes =========================================================================

    /** The 16 attribute palette entries through colour select and the DAC, or the 256 DAC entries. */
    private int[] vgaPalette() {
        if (layout.kind() == Kind.COLOR256) return vbePalette();
        int[] p = new int[16];
        int mode = vga.attr(ATTR_MODE_CONTROL);
        int select = vga.attr(ATTR_COLOR_SELECT);
        int enable = layout.kind() == Kind.TEXT ? 0x0F : vga.attr(ATTR_COLOR_PLANE_ENABLE) & 0x0F;
        for (int i = 0; i < 16; i++) {
            int v = vga.attr(i & enable);
            if ((mode & ATTR_MODE_P54S) != 0) v = (v & 0x0F) | (select & 0x03) << 4;
            v |= (select & 0x0C) << 4;
            p[i] = vga.dacArgb(v & vga.pelMask());
        }
        return p;
    }

    private int[] vbePalette() {
        int[] p = new int[256];
        for (int i = 0; i < 256; i++) p[i] = vga.dacArgb(i & vga.pelMask());
        return p;
    }

    /** Adopts {@code next} as the palette; a change means every line must be repainted. */
    private void usePalette(int[] next) {
        if (!Arrays.equals(next, palette)) {
            palette = next;
            Arrays.fill(shadowValid, false);
        }
    }

    // ==== graphics and VBE =================================================================

    private void paintBlank() {
        Arrays.fill(row, BLACK);
        for (int y = 0; y < layout.height(); y++) framebuffer.writeRow(y, row);
    }

    private void paintLines(int[] pal) {
        usePalette(pal);
        MemorySegment mem = vga.vram().backing();
        long base = vga.vram().backingOffset();
        int size = vga.vram().size();
        for (int y = 0; y < layout.height(); y++) {
            int src = lineSource(y);
            if (src < 0 || src + shadowLineBytes > size) {
                if (!shadowValid[y]) {
                    Arrays.fill(row, BLACK);
                    framebuffer.writeRow(y, row);
                    shadowValid[y] = true;
                }
                continue;
            }
            long shadowAt = (long) y * shadowLineBytes;
            if (shadowValid[y] && MemorySegment.mismatch(mem, base + src, base + src + shadowLineBytes,
                    shadow, shadowAt, shadowAt + shadowLineBytes) < 0) {
                continue;
            }
            MemorySegment.copy(mem, base + src, shadow, shadowAt, shadowLineBytes);
            shadowValid[y] = true;
            if (layout.kind() == Kind.VBE) decodeVbeLine(shadowAt);
            else decodeVgaLine(shadowAt, layout.panUpperOnly() && y >= layout.splitLine() ? 0 : layout.pan());
            framebuffer.writeRow(y, row);
        }
    }

    /**
     * The video memory offset (linear for VBE, interleaved-plane byte offset for VGA) where line
     * {@code y} starts, or -1 if its span would wrap around the 256 KiB plane memory.
     */
    private int lineSource(int y) {
        Layout l = layout;
        if (l.kind() == Kind.VBE) return l.start() + y * l.rowCounterStep();
        int start = l.start();
        int lineInScreen = y;
        if (y >= l.splitLine()) {     // line compare: the lower part restarts at address 0
            start = 0;
            lineInScreen = y - l.splitLine();
        }
        int counterRow = lineInScreen / l.rowsPerCounter();
        int rowScan = lineInScreen % l.rowsPerCounter();
        int first = planeOffset(l, start + counterRow * l.rowCounterStep(), rowScan);
        if (first + shadowLineBytes / 4 > VideoMemory.PLANE_SIZE) return -1;
        return first * 4;
    }

    /** CRTC memory address to plane offset: byte/word/dword mode and the CGA row-scan substitution. */
    private static int planeOffset(Layout l, int counter, int rowScan) {
        int offset = (counter << l.addressShift()) & (VideoMemory.PLANE_SIZE - 1);
        if ((l.substitution() & MODE_CONTROL_CMS) != 0) {
            offset = (offset & ~(1 << CMS_ADDRESS_BIT)) | (rowScan & 1) << CMS_ADDRESS_BIT;
        }
        if ((l.substitution() & MODE_CONTROL_SRI) != 0) {
            offset = (offset & ~(1 << SRI_ADDRESS_BIT)) | (rowScan >> 1 & 1) << SRI_ADDRESS_BIT;
        }
        return offset;
    }

    /** Decodes one VGA graphics line from its shadow copy into {@link #row}, skipping {@code pan} pixels. */
    private void decodeVgaLine(long at, int pan) {
        int chars = layout.fetchedChars();
        int stride = 4 << layout.addressShift();
        for (int c = 0; c < chars; c++) {
            int planes = shadow.get(ValueLayout.JAVA_INT_UNALIGNED, at + (long) c * stride);
            int p0 = planes & 0xFF;
            int p1 = (planes >>> 8) & 0xFF;
            int p2 = (planes >>> 16) & 0xFF;
            int p3 = planes >>> 24;
            switch (layout.kind()) {
                case COLOR256 -> {
                    int x = c * 4;
                    row[x] = palette[p0];
                    row[x + 1] = palette[p1];
                    row[x + 2] = palette[p2];
                    row[x + 3] = palette[p3];
                }
                case CGA2 -> {
                    // Shift register interleave: planes 0/2 give pixels 0-3, planes 1/3 pixels 4-7, two bits each.
                    for (int i = 0; i < 8; i++) {
                        int lo = i < 4 ? p0 : p1;
                        int hi = i < 4 ? p2 : p3;
                        int sh = 6 - 2 * (i & 3);
                        int v = ((lo >>> sh) & 3) | ((hi >>> sh) & 3) << 2;
                        row[c * 8 + i] = palette[v];
                    }
                }
                default -> {
                    for (int i = 0; i < 8; i++) {
                        int b = 7 - i;
                        int v = (p0 >>> b & 1) | (p1 >>> b & 1) << 1 | (p2 >>> b & 1) << 2 | (p3 >>> b & 1) << 3;
                        row[c * 8 + i] = palette[v];
                    }
                }
            }
        }
        if (pan != 0) System.arraycopy(row, pan, row, 0, layout.width());
    }

    /** Decodes one VBE line from its shadow copy into {@link #row}. */
    private void decodeVbeLine(long at) {
        int w = layout.width();
        switch (layout.bpp()) {
            case 8 -> {
                for (int x = 0; x < w; x++) row[x] = palette[shadow.get(ValueLayout.JAVA_BYTE, at + x) & 0xFF];
            }
            case 15 -> {
                for (int x = 0; x < w; x++) {
                    int v = shadow.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * x);
                    row[x] = BLACK | scale5(v >>> 10) << 16 | scale5(v >>> 5) << 8 | scale5(v);
                }
            }
            case 16 -> {
                for (int x = 0; x < w; x++) {
                    int v = shadow.get(ValueLayout.JAVA_SHORT_UNALIGNED, at + 2L * x);
                    int g = (v >>> 5) & 0x3F;
                    row[x] = BLACK | scale5(v >>> 11) << 16 | (g << 2 | g >> 4) << 8 | scale5(v);
                }
            }
            case 24 -> {
                for (int x = 0; x < w; x++) {
                    long p = at + 3L * x;
                    int b = shadow.get(ValueLayout.JAVA_BYTE, p) & 0xFF;
                    int g = shadow.get(ValueLayout.JAVA_BYTE, p + 1) & 0xFF;
                    int r = shadow.get(ValueLayout.JAVA_BYTE, p + 2) & 0xFF;
                    row[x] = BLACK | r << 16 | g << 8 | b;
                }
            }
            default -> {
                for (int x = 0; x < w; x++) row[x] = BLACK | shadow.get(ValueLayout.JAVA_INT_UNALIGNED, at + 4L * x);
            }
        }
    }

    private static int scale5(int v) {
        v &= 0x1F;
        return v << 3 | v >> 2;
    }

    // ==== text =============================================================================

    private void paintText() {
        Layout l = layout;
        usePalette(vgaPalette());
        long frame = frameNumber();
        boolean blinkEnabled = (vga.attr(ATTR_MODE_CONTROL) & ATTR_MODE_BLINK) != 0;
        boolean blinkOn = frame / CHAR_BLINK_FRAMES % 2 == 0;
        if (blinkEnabled && blinkOn != charBlinkOn) Arrays.fill(shadowValid, false);
        charBlinkOn = blinkOn;
        if (loadFont()) Arrays.fill(shadowValid, false);

        int cursorStart = vga.crtc(CRTC_CURSOR_START);
        int cursorEnd = vga.crtc(CRTC_CURSOR_END) & MAX_SCAN_LINES;
        int cursorAddress = vga.crtc(CRTC_CURSOR_HIGH) << 8 | vga.crtc(CRTC_CURSOR_LOW);
        boolean cursorShown = (cursorStart & CURSOR_START_DISABLE) == 0 && (cursorStart & MAX_SCAN_LINES) <= cursorEnd
                && frame / CURSOR_BLINK_FRAMES % 2 == 0;
        int key = cursorShown ? cursorAddress << 10 | (cursorStart & MAX_SCAN_LINES) << 5 | cursorEnd : -1;
        if (key != cursorKey) {
            if (cursorRow >= 0 && cursorRow < shadowValid.length) shadowValid[cursorRow] = false;
            cursorKey = key;
            cursorRow = -1;
        }

        MemorySegment mem = vga.vram().backing();
        long base = vga.vram().backingOffset();
        int rows = l.height() / l.charHeight();
        int cols = l.width() / l.charWidth();
        for (int r = 0; r < rows; r++) {
            int counter = textRowCounter(l, r);
            int first = planeOffset(l, counter, 0);
            boolean inRange = first + shadowLineBytes / 4 <= VideoMemory.PLANE_SIZE;
            long shadowAt = (long) r * shadowLineBytes;
            boolean hasCursor = cursorShown && cursorAddress >= counter && cursorAddress < counter + cols;
            if (hasCursor) {
                cursorRow = r;
                shadowValid[r] = false;
            }
            if (inRange) {
                if (shadowValid[r] && MemorySegment.mismatch(mem, base + first * 4L, base + first * 4L + shadowLineBytes,
                        shadow, shadowAt, shadowAt + shadowLineBytes) < 0) {
                    continue;
                }
                MemorySegment.copy(mem, base + first * 4L, shadow, shadowAt, shadowLineBytes);
            }
            shadowValid[r] = !hasCursor;
            paintTextRow(r, counter, blinkEnabled, hasCursor ? cursorAddress - counter : -1, cursorStart & MAX_SCAN_LINES,
                    cursorEnd);
        }
    }

    private static int textRowCounter(Layout l, int r) {
        return l.start() + r * l.rowCounterStep();
    }

    /** Copies the two active character maps out of plane 2; true if they changed. */
    private boolean loadFont() {
        int select = layout.fontMaps();
        boolean changed = false;
        for (int m = 0; m < 2; m++) {
            int mapOffset = fontMapOffset(m == 0 ? fontMapA(select) : fontMapB(select));
            for (int i = 0; i < FONT_MAP_BYTES; i++) {
                byte b = (byte) vga.vram().readPlane(2, mapOffset + i);
                if (font[m * FONT_MAP_BYTES + i] != b) {
                    font[m * FONT_MAP_BYTES + i] = b;
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** Character map select (sequencer 3): map A, used when attribute bit 3 is 1, is bits 5,3,2. */
    static int fontMapA(int select) {
        return (select >> 3 & 4) | (select >> 2 & 3);
    }

    /** Map B, used when attribute bit 3 is 0, is bits 4,1,0. */
    static int fontMapB(int select) {
        return (select >> 2 & 4) | (select & 3);
    }

    /** Maps 0-3 start at 0, 16, 32, 48 KiB of plane 2; maps 4-7 at 8, 24, 40, 56 KiB. */
    static int fontMapOffset(int map) {
        return (map & 3) << 14 | (map >> 2) << 13;
    }

    private void paintTextRow(int r, int counter, boolean blinkEnabled, int cursorCol, int cursorStart, int cursorEnd) {
        Layout l = layout;
        int cols = l.width() / l.charWidth();
        int cw = l.charWidth();
        boolean lineGraphics = (vga.attr(ATTR_MODE_CONTROL) & ATTR_MODE_LINE_GRAPHICS) != 0;
        boolean twoMaps = fontMapA(l.fontMaps()) != fontMapB(l.fontMaps());
        int[] chars = new int[cols];
        int[] attrs = new int[cols];
        for (int c = 0; c < cols; c++) {
            int planes = vga.vram().readPlanes(planeOffset(l, counter + c, 0));
            chars[c] = planes & 0xFF;
            attrs[c] = (planes >>> 8) & 0xFF;
        }
        for (int s = 0; s < l.charHeight(); s++) {
            for (int c = 0; c < cols; c++) {
                int ch = chars[c];
                int a = attrs[c];
                int fg = a & 0x0F;
                int bg = a >>> 4;
                if (blinkEnabled) {
                    bg &= 7;
                    if ((a & TEXT_ATTR_BLINK) != 0 && !charBlinkOn) fg = bg;
                }
                int map = twoMaps && (a & TEXT_ATTR_MAP_A) != 0 ? 0 : 1;
                int glyph = font[map * FONT_MAP_BYTES + ch * FONT_BYTES_PER_CHAR + s] & 0xFF;
                if (c == cursorCol && s >= cursorStart && s <= cursorEnd) glyph = CURSOR_GLYPH;
                int fgc = palette[fg];
                int bgc = palette[bg];
                int x = c * cw;
                for (int i = 0; i < 8; i++) row[x + i] = (glyph >>> (7 - i) & 1) != 0 ? fgc : bgc;
                if (cw == 9) {
                    boolean ninth = glyph == CURSOR_GLYPH
                            || (lineGraphics && ch >= LINE_GRAPHICS_FIRST && ch <= LINE_GRAPHICS_LAST && (glyph & 1) != 0);
                    row[x + 8] = ninth ? fgc : bgc;
                }
            }
            framebuffer.writeRow(r * l.charHeight() + s, row);
        }
    }

    /** Vertical frames since the machine started, from the virtual clock and the CRTC timing. */
    private long frameNumber() {
        Vga.Timing t = vga.timing();
        return clock.nanos() / Math.max(1, t.lineNanos() * t.vTotal());
    }

    // ==== host API =========================================================================

    /**
     * The characters on screen in a text mode, one string per row (code page 437 mapped to
     * Unicode, NUL as a space); an empty list in graphics modes. Reads video memory as it is
     * now, independent of the last rendered frame.
     */
    public List<String> screenText() {
        Layout l = currentLayout();
        if (l.kind() != Kind.TEXT) return List.of();
        int rows = l.height() / l.charHeight();
        int cols = l.width() / l.charWidth();
        List<String> lines = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            StringBuilder sb = new StringBuilder(cols);
            int counter = textRowCounter(l, r);
            for (int c = 0; c < cols; c++) sb.append(cp437(vga.vram().readPlane(0, planeOffset(l, counter + c, 0))));
            lines.add(sb.toString());
        }
        return lines;
    }

    /** The current screen size in pixels, as the next frame will have it. */
    public Framebuffer.Rect screenSize() {
        Layout l = currentLayout();
        return new Framebuffer.Rect(0, 0, l.width(), l.height());
    }

    static char cp437(int b) {
        if (b == 0) return ' ';
        if (b >= 0x20 && b < 0x7F) return (char) b;
        if (b >= 0x80) return CP437_HIGH.charAt(b - 0x80);
        return '?';
    }
}
