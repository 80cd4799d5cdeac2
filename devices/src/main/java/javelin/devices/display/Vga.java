package javelin.devices.display;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import javelin.softmmu.MmioHandler;
import javelin.softmmu.PortDevice;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The IBM VGA register set and its video memory window: misc output, sequencer, CRT
 * controller, graphics controller, attribute controller, DAC and input status registers, and
 * the four-plane memory at 0xA0000..0xBFFFF. Sources: IBM "VGA Technical Reference" (Personal
 * System/2 Hardware Interface Technical Reference, VGA section: register descriptions and the
 * write/read mode data paths), cross-checked against the FreeVGA register pages.
 *
 * <p>Ports are offsets from {@code base} (PC: 0x3B0), registered as {@link #PORT_COUNT} ports.
 * The CRTC and input status 1 answer at the mono (0x3B4/5, 0x3BA) or colour (0x3D4/5, 0x3DA)
 * addresses according to misc output bit 0; the other set reads all-ones. A 16-bit write to an
 * index port writes index then data, as {@code outw 0x3C4, 0x0F02} relies on.
 *
 * <p>Memory: {@link #mmioRead}/{@link #mmioWrite} serve a region mapped at 0xA0000 of size
 * {@link #WINDOW_SIZE}; the graphics controller's memory map select decides which part
 * answers. Modelled: chain-4 (A1:A0 select the plane, the plane offset is the address with
 * those bits cleared, so mode 13h data is where mode X expects it, as on the real part),
 * odd/even (A0 selects plane 0/2 or 1/3), write modes 0-3 with set/reset, enable set/reset,
 * data rotate, logical function and bit mask, map mask, read modes 0-1 with colour compare and
 * colour don't care, the 32-bit latch. When Bochs VBE is enabled the window is its 64 KiB bank.
 *
 * <p>Input status 1: vertical retrace and display enable are computed from the injected
 * {@link VirtualClock} and the CRTC timing registers (horizontal/vertical total, display end,
 * retrace start/end) with the dot clock chosen by misc output bits 3:2 — never from the
 * renderer or the UI thread, so a snapshot restored and run replays the same polling results.
 *
 * <p>Not modelled: light pen, the CRT interrupt (IRQ 2 on the original part, unused by PCs),
 * the odd/even page bit (misc output bit 5) beyond A0, and the write modes in odd/even and
 * chain-4 organisations: there CPU writes go straight to the planes (no set/reset, logical
 * function or bit mask), as in QEMU; no guest is known to combine them.
 *
 * <p>Open questions and choices: palette registers (attribute 00h-0Fh) are writable only while
 * the palette address source bit is 0 (the register descriptions: PAS = 0 while the palette is
 * loaded, 1 for normal operation), so the BIOS's clear-PAS/write/set-PAS sequence works and a
 * stray write during display is ignored.
 *
 * <p>Outputs: none. The VGA's CRT interrupt is not wired on PCs, so there is no IRQ line and
 * no {@code updateOutputs()}; what the guest sees of time is recomputed on every status read.
 *
 * <p>Threading: ports and MMIO are called with the machine lock held; {@link VgaRenderer}
 * reads registers with the same lock and video memory racily.
 */
public final class Vga implements PortDevice, MmioHandler, Stateful<Vga.State> {
    private static final System.Logger LOG = System.getLogger(Vga.class.getName());

    // ---- ports, offsets from the base (PC: 0x3B0), in address order ----
    static final int REG_CRTC_INDEX_MONO = 0x04;
    static final int REG_CRTC_DATA_MONO = 0x05;
    static final int REG_STATUS1_MONO = 0x0A;      // read: input status 1; write: feature control
    static final int REG_ATTR_INDEX_DATA = 0x10;   // write: index/data flip-flop; read: index
    static final int REG_ATTR_DATA_READ = 0x11;
    static final int REG_MISC_WRITE = 0x12;        // read: input status 0
    static final int REG_VIDEO_ENABLE = 0x13;
    static final int REG_SEQ_INDEX = 0x14;
    static final int REG_SEQ_DATA = 0x15;
    static final int REG_DAC_PEL_MASK = 0x16;
    static final int REG_DAC_READ_INDEX = 0x17;    // read: DAC state
    static final int REG_DAC_WRITE_INDEX = 0x18;
    static final int REG_DAC_DATA = 0x19;
    static final int REG_FEATURE_READ = 0x1A;
    static final int REG_MISC_READ = 0x1C;
    static final int REG_GC_INDEX = 0x1E;
    static final int REG_GC_DATA = 0x1F;
    static final int REG_CRTC_INDEX_COLOR = 0x24;
    static final int REG_CRTC_DATA_COLOR = 0x25;
    static final int REG_STATUS1_COLOR = 0x2A;     // read: input status 1; write: feature control
    public static final int PORT_COUNT = 0x30;

    /** Size of the memory window the board maps at 0xA0000. */
    public static final int WINDOW_SIZE = 0x20000;
    // Memory map select (GC 06h bits 3:2), as offsets into the window.
    static final int MAP_A0000_SIZE = 0x10000;
    static final int MAP_B0000_OFFSET = 0x10000;
    static final int MAP_B8000_OFFSET = 0x18000;
    static final int MAP_B_SIZE = 0x8000;
    // Odd/even: even addresses reach planes 0 and 2, odd ones planes 1 and 3.
    static final int PLANES_EVEN = 0b0101;
    static final int PLANES_ODD = 0b1010;

    // ---- misc output ----
    static final int MISC_IO_ADDRESS_COLOR = 0x01;
    static final int MISC_RAM_ENABLE = 0x02;
    static final int MISC_CLOCK_SELECT = 0x0C;

    // ---- sequencer registers ----
    static final int SEQ_RESET = 0x00;
    static final int SEQ_CLOCKING_MODE = 0x01;
    static final int SEQ_MAP_MASK = 0x02;
    static final int SEQ_CHAR_MAP_SELECT = 0x03;
    static final int SEQ_MEMORY_MODE = 0x04;
    static final int SEQ_COUNT = 5;
    static final int CLOCKING_8DOT = 0x01;
    static final int CLOCKING_DOT_CLOCK_DIV2 = 0x08;
    static final int CLOCKING_SCREEN_OFF = 0x20;
    static final int MEMORY_MODE_ODD_EVEN_DISABLE = 0x04;
    static final int MEMORY_MODE_CHAIN4 = 0x08;
    private static final int[] SEQ_MASKS = {0x03, 0x3D, 0x0F, 0x3F, 0x0E};

    // ---- CRT controller registers ----
    static final int CRTC_H_TOTAL = 0x00;
    static final int CRTC_H_DISPLAY_END = 0x01;
    static final int CRTC_V_TOTAL = 0x06;
    static final int CRTC_OVERFLOW = 0x07;
    static final int CRTC_MAX_SCAN_LINE = 0x09;
    static final int CRTC_CURSOR_START = 0x0A;
    static final int CRTC_CURSOR_END = 0x0B;
    static final int CRTC_START_HIGH = 0x0C;
    static final int CRTC_START_LOW = 0x0D;
    static final int CRTC_CURSOR_HIGH = 0x0E;
    static final int CRTC_CURSOR_LOW = 0x0F;
    static final int CRTC_V_RETRACE_START = 0x10;
    static final int CRTC_V_RETRACE_END = 0x11;
    static final int CRTC_V_DISPLAY_END = 0x12;
    static final int CRTC_OFFSET = 0x13;
    static final int CRTC_UNDERLINE = 0x14;
    static final int CRTC_MODE_CONTROL = 0x17;
    static final int CRTC_LINE_COMPARE = 0x18;
    static final int CRTC_COUNT = 0x19;
    static final int V_RETRACE_END_PROTECT = 0x80;
    static final int OVERFLOW_LINE_COMPARE8 = 0x10;
    static final int MAX_SCAN_DOUBLE = 0x80;
    static final int MAX_SCAN_LINE_COMPARE9 = 0x40;
    static final int MAX_SCAN_LINES = 0x1F;
    static final int CURSOR_START_DISABLE = 0x20;
    static final int UNDERLINE_DWORD = 0x40;
    static final int MODE_CONTROL_CMS = 0x01;      // 0: row scan bit 0 replaces address bit 13
    static final int MODE_CONTROL_SRI = 0x02;      // 0: row scan bit 1 replaces address bit 14
    static final int MODE_CONTROL_BYTE = 0x40;

    // ---- graphics controller registers ----
    static final int GC_SET_RESET = 0x00;
    static final int GC_ENABLE_SET_RESET = 0x01;
    static final int GC_COLOR_COMPARE = 0x02;
    static final int GC_DATA_ROTATE = 0x03;
    static final int GC_READ_MAP_SELECT = 0x04;
    static final int GC_MODE = 0x05;
    static final int GC_MISC = 0x06;
    static final int GC_COLOR_DONT_CARE = 0x07;
    static final int GC_BIT_MASK = 0x08;
    static final int GC_COUNT = 9;
    static final int DATA_ROTATE_COUNT = 0x07;
    static final int DATA_ROTATE_FUNCTION_SHIFT = 3;
    static final int GC_MODE_WRITE_MODE = 0x03;
    static final int GC_MODE_READ_MODE = 0x08;
    static final int GC_MODE_ODD_EVEN = 0x10;
    static final int GC_MODE_SHIFT_INTERLEAVE = 0x20;
    static final int GC_MODE_SHIFT_256 = 0x40;
    static final int GC_MISC_GRAPHICS = 0x01;
    static final int GC_MISC_MEMORY_MAP_SHIFT = 2;
    private static final int[] GC_MASKS = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B, 0x0F, 0x0F, 0xFF};

    // ---- attribute controller ----
    static final int ATTR_PALETTE_COUNT = 0x10;
    static final int ATTR_MODE_CONTROL = 0x10;
    static final int ATTR_OVERSCAN = 0x11;
    static final int ATTR_COLOR_PLANE_ENABLE = 0x12;
    static final int ATTR_H_PEL_PANNING = 0x13;
    static final int ATTR_COLOR_SELECT = 0x14;
    static final int ATTR_COUNT = 0x15;
    static final int ATTR_INDEX_PAS = 0x20;
    static final int ATTR_INDEX_MASK = 0x1F;
    static final int ATTR_MODE_GRAPHICS = 0x01;
    static final int ATTR_MODE_LINE_GRAPHICS = 0x04;
    static final int ATTR_MODE_BLINK = 0x08;
    static final int ATTR_MODE_PEL_PANNING_COMPAT = 0x20;
    static final int ATTR_MODE_8BIT = 0x40;
    static final int ATTR_MODE_P54S = 0x80;
    static final int PEL_PANNING_GRAPHICS = 0x07;
    private static final int[] ATTR_MASKS = {
            0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
            0xFF, 0xFF, 0x3F, 0x0F, 0x0F};

    // ---- DAC ----
    static final int DAC_ENTRIES = 256;
    static final int DAC_STATE_WRITE = 0x00;
    static final int DAC_STATE_READ = 0x03;

    // ---- timing (IBM VGA: the two crystal dot clocks, Hz) ----
    static final long DOT_CLOCK_25MHZ = 25_175_000L;
    static final long DOT_CLOCK_28MHZ = 28_322_000L;

    private final int base;
    private final VideoMemory vram;
    private final BochsVbe vbe;
    private final VirtualClock clock;
    private final BitSet reported = new BitSet();

    // ---- architected registers ----
    private int misc;
    private int featureControl;
    private int videoEnable = 1;
    private int seqIndex;
    private final int[] seq = new int[SEQ_COUNT];
    private int crtcIndex;
    private final int[] crtc = new int[CRTC_COUNT];
    private int gcIndex;
    private final int[] gc = new int[GC_COUNT];
    private int attrIndex;          // including the PAS bit
    private boolean attrExpectData; // the 0x3C0 flip-flop: false = next write is an index
    private final int[] attr = new int[ATTR_COUNT];
    private int pelMask = 0xFF;
    private final int[] dac = new int[DAC_ENTRIES * 3]; // components as written (6 or 8 bits)

    // ---- internal latches ----
    private int latch;              // the four plane latches, plane 0 in bits 7:0
    private int dacReadIndex;
    private int dacWriteIndex;
    private int dacSubIndex;        // 0..2: next component (red, green, blue)
    private int dacState = DAC_STATE_WRITE;
    private final int[] dacCache = new int[3];

    /** @param base the first port (PC: 0x3B0); {@link #PORT_COUNT} ports from there */
    public Vga(int base, VideoMemory vram, BochsVbe vbe, VirtualClock clock) {
        this.base = base;
        this.vram = vram;
        this.vbe = vbe;
        this.clock = clock;
    }

    /** Power-on state: every register zero, DAC black, PEL mask FFh (the BIOS then sets a mode). */
    public void reset() {
        misc = 0;
        featureControl = 0;
        videoEnable = 1;
        seqIndex = 0;
        Arrays.fill(seq, 0);
        crtcIndex = 0;
        Arrays.fill(crtc, 0);
        gcIndex = 0;
        Arrays.fill(gc, 0);
        attrIndex = 0;
        attrExpectData = false;
        Arrays.fill(attr, 0);
        pelMask = 0xFF;
        Arrays.fill(dac, 0);
        latch = 0;
        dacReadIndex = 0;
        dacWriteIndex = 0;
        dacSubIndex = 0;
        dacState = DAC_STATE_WRITE;
        Arrays.fill(dacCache, 0);
    }

    // ==== port I/O ========================================================================

    @Override public int ioRead(int port, int size) {
        int value = 0;
        for (int i = 0; i < size; i++) value |= readRegister(port + i - base) << (8 * i);
        return value;
    }

    @Override public void ioWrite(int port, int size, int value) {
        for (int i = 0; i < size; i++) writeRegister(port + i - base, (value >>> (8 * i)) & 0xFF);
    }

    private boolean colorAddressing() {
        return (misc & MISC_IO_ADDRESS_COLOR) != 0;
    }

    private int readRegister(int reg) {
        switch (reg) {
            case REG_CRTC_INDEX_MONO, REG_CRTC_INDEX_COLOR -> {
                return crtcActive(reg == REG_CRTC_INDEX_COLOR) ? crtcIndex : 0xFF;
            }
            case REG_CRTC_DATA_MONO, REG_CRTC_DATA_COLOR -> {
                if (!crtcActive(reg == REG_CRTC_DATA_COLOR)) return 0xFF;
                return crtcIndex < CRTC_COUNT ? crtc[crtcIndex] : 0xFF;
            }
            case REG_STATUS1_MONO, REG_STATUS1_COLOR -> {
                if (!crtcActive(reg == REG_STATUS1_COLOR)) return 0xFF;
                attrExpectData = false; // reading input status 1 resets the attribute flip-flop
                return inputStatus1();
            }
            case REG_ATTR_INDEX_DATA -> {
                return attrIndex;
            }
            case REG_ATTR_DATA_READ -> {
                int i = attrIndex & ATTR_INDEX_MASK;
                return i < ATTR_COUNT ? attr[i] : 0xFF;
            }
            case REG_MISC_WRITE -> {
                return 0; // input status 0: no switch sense, no CRT interrupt pending
            }
            case REG_VIDEO_ENABLE -> {
                return videoEnable;
            }
            case REG_SEQ_INDEX -> {
                return seqIndex;
            }
            case REG_SEQ_DATA -> {
                return seqIndex < SEQ_COUNT ? seq[seqIndex] : 0xFF;
            }
            case REG_DAC_PEL_MASK -> {
                return pelMask;
            }
            case REG_DAC_READ_INDEX -> {
                return dacState;
            }
            case REG_DAC_WRITE_INDEX -> {
                return dacWriteIndex;
            }
            case REG_DAC_DATA -> {
                return readDacData();
            }
            case REG_FEATURE_READ -> {
                return featureControl;
            }
            case REG_MISC_READ -> {
                return misc;
            }
            case REG_GC_INDEX -> {
                return gcIndex;
            }
            case REG_GC_DATA -> {
                return gcIndex < GC_COUNT ? gc[gcIndex] : 0xFF;
            }
            default -> {
                reportOnce(reg, "read");
                return 0xFF;
            }
        }
    }

    private void writeRegister(int reg, int v) {
        switch (reg) {
            case REG_CRTC_INDEX_MONO, REG_CRTC_INDEX_COLOR -> {
                if (crtcActive(reg == REG_CRTC_INDEX_COLOR)) crtcIndex = v & 0x3F;
            }
            case REG_CRTC_DATA_MONO, REG_CRTC_DATA_COLOR -> {
                if (crtcActive(reg == REG_CRTC_DATA_COLOR)) writeCrtc(crtcIndex, v);
            }
            case REG_STATUS1_MONO, REG_STATUS1_COLOR -> {
                if (crtcActive(reg == REG_STATUS1_COLOR)) featureControl = v & 0x03;
            }
            case REG_ATTR_INDEX_DATA -> writeAttribute(v);
            case REG_MISC_WRITE -> misc = v;
            case REG_VIDEO_ENABLE -> videoEnable = v & 0x01;
            case REG_SEQ_INDEX -> seqIndex = v & 0x07;
            case REG_SEQ_DATA -> {
                if (seqIndex < SEQ_COUNT) seq[seqIndex] = v & SEQ_MASKS[seqIndex];
            }
            case REG_DAC_PEL_MASK -> pelMask = v;
            case REG_DAC_READ_INDEX -> {
                dacReadIndex = v;
                dacSubIndex = 0;
                dacState = DAC_STATE_READ;
            }
            case REG_DAC_WRITE_INDEX -> {
                dacWriteIndex = v;
                dacSubIndex = 0;
                dacState = DAC_STATE_WRITE;
            }
            case REG_DAC_DATA -> writeDacData(v);
            case REG_GC_INDEX -> gcIndex = v & 0x0F;
            case REG_GC_DATA -> {
                if (gcIndex < GC_COUNT) gc[gcIndex] = v & GC_MASKS[gcIndex];
            }
            default -> reportOnce(reg, "write");
        }
    }

    private boolean crtcActive(boolean colorPort) {
        return colorPort == colorAddressing();
    }

    private void writeCrtc(int index, int v) {
        if (index >= CRTC_COUNT) return;
        if (index <= CRTC_OVERFLOW && (crtc[CRTC_V_RETRACE_END] & V_RETRACE_END_PROTECT) != 0) {
            // IBM: with the protect bit set, CR00-CR07 are read-only except the line compare bit 8.
            if (index == CRTC_OVERFLOW) {
                crtc[index] = (crtc[index] & ~OVERFLOW_LINE_COMPARE8) | (v & OVERFLOW_LINE_COMPARE8);
            }
            return;
        }
        crtc[index] = v;
    }

    private void writeAttribute(int v) {
        if (!attrExpectData) {
            attrIndex = v & (ATTR_INDEX_PAS | ATTR_INDEX_MASK);
        } else {
            int i = attrIndex & ATTR_INDEX_MASK;
            boolean paletteLocked = i < ATTR_PALETTE_COUNT && (attrIndex & ATTR_INDEX_PAS) != 0;
            if (i < ATTR_COUNT && !paletteLocked) attr[i] = v & ATTR_MASKS[i];
        }
        attrExpectData = !attrExpectData;
    }

    private int dacComponentMask() {
        return vbe.dac8Bit() ? 0xFF : 0x3F;
    }

    private void writeDacData(int v) {
        dacCache[dacSubIndex++] = v & dacComponentMask();
        if (dacSubIndex == 3) {
            System.arraycopy(dacCache, 0, dac, dacWriteIndex * 3, 3);
            dacSubIndex = 0;
            dacWriteIndex = (dacWriteIndex + 1) & 0xFF;
        }
    }

    private int readDacData() {
        int v = dac[dacReadIndex * 3 + dacSubIndex++];
        if (dacSubIndex == 3) {
            dacSubIndex = 0;
            dacReadIndex = (dacReadIndex + 1) & 0xFF;
        }
        return v;
    }

    private void reportOnce(int reg, String what) {
        if (reg < 0 || reported.get(reg)) return;
        reported.set(reg);
        LOG.log(System.Logger.Level.INFO, "guest {0} of unimplemented VGA port offset {1} (logged once)",
                what, String.format("%#x", reg));
    }

    // ==== input status 1, from the virtual clock ==========================================

    static final int STATUS1_DISPLAY_DISABLED = 0x01;
    static final int STATUS1_VERTICAL_RETRACE = 0x08;

    /** Input status 1: bit 0 = not in active display, bit 3 = vertical retrace. */
    private int inputStatus1() {
        Timing t = timing();
        long now = clock.nanos();
        long frameNanos = t.lineNanos * t.vTotal;
        long inFrame = Math.floorMod(now, frameNanos);
        int line = (int) (inFrame / t.lineNanos);
        long inLine = inFrame % t.lineNanos;
        boolean hDisplay = inLine * t.hTotal < t.lineNanos * t.hDisplay;
        boolean vRetrace = line >= t.vRetraceStart && line < t.vRetraceStart + t.vRetraceLines;
        int v = 0;
        if (!hDisplay || line >= t.vDisplay) v |= STATUS1_DISPLAY_DISABLED;
        if (vRetrace) v |= STATUS1_VERTICAL_RETRACE;
        return v;
    }

    /** Display timing in character clocks and scanlines. */
    record Timing(long lineNanos, int hTotal, int hDisplay, int vTotal, int vDisplay, int vRetraceStart, int vRetraceLines) { }

    /** The 640x480 timing (800 dots, 525 lines at 25.175 MHz) used when the CRTC is unprogrammed. */
    private static final Timing DEFAULT_TIMING = new Timing(800L * 1_000_000_000L / DOT_CLOCK_25MHZ, 100, 80, 525, 480, 490, 2);

    Timing timing() {
        int hTotal = crtc[CRTC_H_TOTAL] + 5;
        int hDisplay = crtc[CRTC_H_DISPLAY_END] + 1;
        int ov = crtc[CRTC_OVERFLOW];
        int vTotal = (crtc[CRTC_V_TOTAL] | (ov & 0x01) << 8 | (ov & 0x20) << 4) + 2;
        int vDisplay = verticalDisplayEnd();
        int vrs = crtc[CRTC_V_RETRACE_START] | (ov & 0x04) << 6 | (ov & 0x80) << 2;
        int vrLines = ((crtc[CRTC_V_RETRACE_END] & 0x0F) - (vrs & 0x0F)) & 0x0F;
        if (vrLines == 0) vrLines = 16;
        if (hTotal <= hDisplay || vTotal <= vDisplay || vrs >= vTotal) return DEFAULT_TIMING;
        long dotClock = ((misc & MISC_CLOCK_SELECT) >> 2) == 1 ? DOT_CLOCK_28MHZ : DOT_CLOCK_25MHZ;
        int dotsPerChar = (seq[SEQ_CLOCKING_MODE] & CLOCKING_8DOT) != 0 ? 8 : 9;
        if ((seq[SEQ_CLOCKING_MODE] & CLOCKING_DOT_CLOCK_DIV2) != 0) dotsPerChar *= 2;
        long lineNanos = (long) hTotal * dotsPerChar * 1_000_000_000L / dotClock;
        return new Timing(lineNanos, hTotal, hDisplay, vTotal, vDisplay, vrs, vrLines);
    }

    /** Scanlines of active display (vertical display end + 1, with overflow bits 8 and 9). */
    int verticalDisplayEnd() {
        int ov = crtc[CRTC_OVERFLOW];
        return (crtc[CRTC_V_DISPLAY_END] | (ov & 0x02) << 7 | (ov & 0x40) << 3) + 1;
    }

    /** The line compare (split screen) scanline, 10 bits. */
    int lineCompare() {
        return crtc[CRTC_LINE_COMPARE] | (crtc[CRTC_OVERFLOW] & OVERFLOW_LINE_COMPARE8) << 4
                | (crtc[CRTC_MAX_SCAN_LINE] & MAX_SCAN_LINE_COMPARE9) << 3;
    }

    // ==== video memory window =============================================================

    @Override public long mmioRead(long offset, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) v |= (long) readMemory((int) offset + i) << (8 * i);
        return v;
    }

    @Override public void mmioWrite(long offset, int size, long value) {
        for (int i = 0; i < size; i++) writeMemory((int) offset + i, (int) (value >>> (8 * i)) & 0xFF);
    }

    /** The address within the selected memory map, or -1 if the window does not decode it. */
    private int mapAddress(int offset) {
        return switch ((gc[GC_MISC] >> GC_MISC_MEMORY_MAP_SHIFT) & 3) {
            case 0 -> offset;                                           // A0000, 128 KiB
            case 1 -> offset < MAP_A0000_SIZE ? offset : -1;            // A0000, 64 KiB
            case 2 -> offset >= MAP_B0000_OFFSET && offset < MAP_B0000_OFFSET + MAP_B_SIZE
                    ? offset - MAP_B0000_OFFSET : -1;                   // B0000, 32 KiB
            default -> offset >= MAP_B8000_OFFSET ? offset - MAP_B8000_OFFSET : -1; // B8000, 32 KiB
        };
    }

    int readMemory(int offset) {
        if (vbe.isEnabled()) {
            return offset < BochsVbe.BANK_SIZE ? vram.readLinear(vbe.bankOffset() + offset) : 0xFF;
        }
        int a = mapAddress(offset);
        if (a < 0) return 0xFF;
        int plane;
        int planeOffset;
        int memoryMode = seq[SEQ_MEMORY_MODE];
        if ((memoryMode & MEMORY_MODE_CHAIN4) != 0) {
            plane = a & 3;
            planeOffset = a & ~3;
        } else if ((gc[GC_MODE] & GC_MODE_ODD_EVEN) != 0) {
            plane = (gc[GC_READ_MAP_SELECT] & 2) | (a & 1);
            planeOffset = a & ~1;
        } else {
            plane = gc[GC_READ_MAP_SELECT];
            planeOffset = a;
        }
        latch = vram.readPlanes(planeOffset);
        if ((gc[GC_MODE] & GC_MODE_READ_MODE) == 0) return (latch >>> (8 * plane)) & 0xFF;
        // Read mode 1: a bit is 1 where every plane selected by colour don't care matches colour compare.
        int differ = latch ^ expandPlanes(gc[GC_COLOR_COMPARE]);
        int care = expandPlanes(gc[GC_COLOR_DONT_CARE]);
        int d = differ & care;
        return ~(d | d >>> 8 | d >>> 16 | d >>> 24) & 0xFF;
    }

    void writeMemory(int offset, int value) {
        if (vbe.isEnabled()) {
            if (offset < BochsVbe.BANK_SIZE) vram.writeLinear(vbe.bankOffset() + offset, value);
            return;
        }
        int a = mapAddress(offset);
        if (a < 0) return;
        int mapMask = seq[SEQ_MAP_MASK];
        int memoryMode = seq[SEQ_MEMORY_MODE];
        if ((memoryMode & MEMORY_MODE_CHAIN4) != 0) {
            int plane = a & 3;
            if ((mapMask & (1 << plane)) != 0) vram.writePlane(plane, a & ~3, value);
            return;
        }
        if ((memoryMode & MEMORY_MODE_ODD_EVEN_DISABLE) == 0) {
            // Odd/even: A0 picks planes 0 and 2 (even) or 1 and 3 (odd), map mask still applies.
            int planes = mapMask & ((a & 1) == 0 ? PLANES_EVEN : PLANES_ODD);
            for (int p = 0; p < 4; p++) {
                if ((planes & (1 << p)) != 0) vram.writePlane(p, a & ~1, value);
            }
            return;
        }
        int result = writePipeline(value);
        int enabled = expandPlanes(mapMask);
        vram.writePlanes(a, (vram.readPlanes(a) & ~enabled) | (result & enabled));
    }

    /** The graphics controller's write data path (IBM VGA write modes 0-3), all four planes. */
    private int writePipeline(int value) {
        int rotate = gc[GC_DATA_ROTATE] & DATA_ROTATE_COUNT;
        int rotated = ((value >>> rotate) | (value << (8 - rotate))) & 0xFF;
        int bitMask = gc[GC_BIT_MASK];
        int data;
        switch (gc[GC_MODE] & GC_MODE_WRITE_MODE) {
            case 0 -> {
                int enableSr = expandPlanes(gc[GC_ENABLE_SET_RESET]);
                data = (rotated * 0x01010101 & ~enableSr) | (expandPlanes(gc[GC_SET_RESET]) & enableSr);
            }
            case 1 -> {
                return latch;
            }
            case 2 -> data = expandPlanes(value);
            default -> {
                data = expandPlanes(gc[GC_SET_RESET]);
                bitMask &= rotated;
            }
        }
        data = switch ((gc[GC_DATA_ROTATE] >> DATA_ROTATE_FUNCTION_SHIFT) & 3) {
            case 0 -> data;
            case 1 -> data & latch;
            case 2 -> data | latch;
            default -> data ^ latch;
        };
        int mask32 = bitMask * 0x01010101;
        return (data & mask32) | (latch & ~mask32);
    }

    /** Bits 3:0 to four bytes: bit p set gives 0xFF in byte p. */
    static int expandPlanes(int bits) {
        int v = 0;
        for (int p = 0; p < 4; p++) if ((bits & (1 << p)) != 0) v |= 0xFF << (8 * p);
        return v;
    }

    // ==== what the renderer reads =========================================================

    VideoMemory vram() { return vram; }

    BochsVbe vbe() { return vbe; }

    VirtualClock clock() { return clock; }

    int misc() { return misc; }

    int seq(int i) { return seq[i]; }

    int crtc(int i) { return crtc[i]; }

    int gc(int i) { return gc[i]; }

    int attr(int i) { return attr[i]; }

    /** Palette address source: 0 blanks the screen while the palette is loaded. */
    boolean paletteAddressSource() { return (attrIndex & ATTR_INDEX_PAS) != 0; }

    int pelMask() { return pelMask; }

    /** DAC entry {@code i} as opaque ARGB; 6-bit components scaled to 8 bits by bit replication. */
    int dacArgb(int i) {
        int r = dac[i * 3];
        int g = dac[i * 3 + 1];
        int b = dac[i * 3 + 2];
        if (!vbe.dac8Bit()) {
            r = (r << 2) | (r >> 4);
            g = (g << 2) | (g >> 4);
            b = (b << 2) | (b >> 4);
        }
        return 0xFF00_0000 | (r & 0xFF) << 16 | (g & 0xFF) << 8 | (b & 0xFF);
    }

    // ==== state ===========================================================================

    /** Every VGA register and latch; names are the snapshot format. Video memory is not here. */
    public record State(int version, int misc, int featureControl, int videoEnable,
                        int seqIndex, List<Integer> seq, int crtcIndex, List<Integer> crtc,
                        int gcIndex, List<Integer> gc, int attrIndex, boolean attrExpectData, List<Integer> attr,
                        int pelMask, int dacReadIndex, int dacWriteIndex, int dacSubIndex, int dacState,
                        List<Integer> dacCache, List<Integer> dac, int latch) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("vga", "version", "unsupported " + version);
            seq = checked("seq", seq, SEQ_COUNT);
            crtc = checked("crtc", crtc, CRTC_COUNT);
            gc = checked("gc", gc, GC_COUNT);
            attr = checked("attr", attr, ATTR_COUNT);
            dacCache = checked("dacCache", dacCache, 3);
            dac = checked("dac", dac, DAC_ENTRIES * 3);
            if (dacSubIndex < 0 || dacSubIndex > 2) throw new SnapshotFormatException("vga", "dacSubIndex");
            if (dacState != DAC_STATE_READ && dacState != DAC_STATE_WRITE) {
                throw new SnapshotFormatException("vga", "dacState");
            }
            if ((dacReadIndex & ~0xFF) != 0) throw new SnapshotFormatException("vga", "dacReadIndex");
            if ((dacWriteIndex & ~0xFF) != 0) throw new SnapshotFormatException("vga", "dacWriteIndex");
        }

        private static List<Integer> checked(String field, List<Integer> values, int size) {
            if (values == null || values.size() != size) throw new SnapshotFormatException("vga", field, "needs " + size + " entries");
            for (Integer v : values) {
                if (v == null || (v & ~0xFF) != 0) throw new SnapshotFormatException("vga", field, "bytes only");
            }
            return List.copyOf(values);
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, misc, featureControl, videoEnable, seqIndex, list(seq), crtcIndex, list(crtc),
                gcIndex, list(gc), attrIndex, attrExpectData, list(attr), pelMask, dacReadIndex, dacWriteIndex,
                dacSubIndex, dacState, list(dacCache), list(dac), latch);
    }

    @Override public void restoreState(State s) {
        misc = s.misc() & 0xFF;
        featureControl = s.featureControl() & 0x03;
        videoEnable = s.videoEnable() & 0x01;
        seqIndex = s.seqIndex() & 0x07;
        fill(seq, s.seq());
        crtcIndex = s.crtcIndex() & 0x3F;
        fill(crtc, s.crtc());
        gcIndex = s.gcIndex() & 0x0F;
        fill(gc, s.gc());
        attrIndex = s.attrIndex() & (ATTR_INDEX_PAS | ATTR_INDEX_MASK);
        attrExpectData = s.attrExpectData();
        fill(attr, s.attr());
        pelMask = s.pelMask() & 0xFF;
        dacReadIndex = s.dacReadIndex();
        dacWriteIndex = s.dacWriteIndex();
        dacSubIndex = s.dacSubIndex();
        dacState = s.dacState();
        fill(dacCache, s.dacCache());
        fill(dac, s.dac());
        latch = s.latch();
    }

    private static List<Integer> list(int[] values) {
        List<Integer> l = new ArrayList<>(values.length);
        for (int v : values) l.add(v);
        return l;
    }

    private static void fill(int[] target, List<Integer> values) {
        for (int i = 0; i < target.length; i++) target[i] = values.get(i);
    }
}
