package javelin.devices.display;

import java.util.BitSet;
import javelin.softmmu.PortDevice;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * The Bochs VBE "DISPI" display interface, the paravirtual mode-setting extension that Bochs,
 * QEMU's {@code -vga std} and SeaBIOS' {@code vgabios-stdvga.bin} (and Linux' bochs-drm) use
 * for high-resolution modes. Ports: index at base+0 (PC 0x1CE), data at base+1 (PC 0x1CF),
 * 16-bit accesses. Source: Bochs {@code iodev/vga.h} register list and the VBE interface notes
 * in Bochs' documentation (the register numbers and bit values are the interface; read for
 * facts only).
 *
 * <p>Modelled: ID negotiation (0xB0C0..0xB0C5), XRES/YRES/BPP (8, 15, 16, 24, 32) up to
 * {@value #MAX_XRES}x{@value #MAX_YRES}x{@value #MAX_BPP}, ENABLE with the LFB, NOCLEARMEM,
 * 8-bit-DAC and GETCAPS bits, BANK (64 KiB window at 0xA0000, served by {@link Vga}),
 * VIRT_WIDTH/VIRT_HEIGHT, X/Y_OFFSET (panning), VIDEO_MEMORY_64K. The linear framebuffer lives in
 * the PCI BAR ({@link StdVgaPci}).
 *
 * <p>Not modelled: 4-bit planar VBE modes (BPP 4 is refused, as the mode list of
 * vgabios-stdvga has none); updating the VGA CRTC registers on a VBE mode set (QEMU does so
 * only so that legacy register reads look plausible; our renderer checks ENABLE first).
 *
 * <p>Open question: whether resolution writes are honoured while the mode is enabled. Bochs
 * ignores them, QEMU accepts them; we follow QEMU (the newer user), and re-derive VIRT_HEIGHT.
 *
 * <p>Threading: called with the machine lock held; {@link VgaRenderer} reads the mode with the
 * same lock.
 */
public final class BochsVbe implements PortDevice, Stateful<BochsVbe.State> {
    private static final System.Logger LOG = System.getLogger(BochsVbe.class.getName());

    // ---- ports, offsets from the base (PC: 0x1CE) ----
    static final int REG_INDEX = 0;
    static final int REG_DATA = 1;
    public static final int PORT_COUNT = 2;

    // ---- DISPI register indices, in the interface's order ----
    static final int DISPI_ID = 0x0;
    static final int DISPI_XRES = 0x1;
    static final int DISPI_YRES = 0x2;
    static final int DISPI_BPP = 0x3;
    static final int DISPI_ENABLE = 0x4;
    static final int DISPI_BANK = 0x5;
    static final int DISPI_VIRT_WIDTH = 0x6;
    static final int DISPI_VIRT_HEIGHT = 0x7;
    static final int DISPI_X_OFFSET = 0x8;
    static final int DISPI_Y_OFFSET = 0x9;
    static final int DISPI_VIDEO_MEMORY_64K = 0xA;

    static final int ID0 = 0xB0C0;
    static final int ID5 = 0xB0C5;

    static final int ENABLE_ENABLED = 0x01;
    static final int ENABLE_GETCAPS = 0x02;
    static final int ENABLE_8BIT_DAC = 0x20;
    static final int ENABLE_LFB_ENABLED = 0x40;
    static final int ENABLE_NOCLEARMEM = 0x80;

    static final int MAX_XRES = 1920;
    static final int MAX_YRES = 1200;
    static final int MAX_BPP = 32;
    /** The 64 KiB banked window at 0xA0000 (VBE 2.0 window A). */
    static final int BANK_SIZE = 1 << 16;

    private final int base;
    private final VideoMemory vram;
    private final BitSet reported = new BitSet();

    // ---- architected registers ----
    private int index;
    private int id = ID5;
    private int xres = 640;
    private int yres = 480;
    private int bpp = 8;
    private int enable;      // ENABLE_* bits as last written
    private int bank;        // in 64 KiB units
    private int virtWidth = 640;   // pixels
    private int virtHeight;        // pixels, derived from the memory size
    private int xOffset;
    private int yOffset;

    /** @param base the index port (PC: 0x1CE); the data port follows it */
    public BochsVbe(int base, VideoMemory vram) {
        this.base = base;
        this.vram = vram;
        this.virtHeight = maxVirtHeight();
    }

    /** Power-on state: VBE disabled, 640x480x8, ID B0C5, bank 0. Video memory is left alone. */
    public void reset() {
        index = 0;
        id = ID5;
        xres = 640;
        yres = 480;
        bpp = 8;
        enable = 0;
        bank = 0;
        virtWidth = 640;
        virtHeight = maxVirtHeight();
        xOffset = 0;
        yOffset = 0;
    }

    @Override public int ioRead(int port, int size) {
        return switch (port - base) {
            case REG_INDEX -> index;
            case REG_DATA -> readRegister(index);
            default -> 0xFFFF;
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFFFF;
        switch (port - base) {
            case REG_INDEX -> index = value;
            case REG_DATA -> writeRegister(index, value);
            default -> { }
        }
    }

    private int readRegister(int reg) {
        boolean caps = (enable & ENABLE_GETCAPS) != 0;
        return switch (reg) {
            case DISPI_ID -> id;
            case DISPI_XRES -> caps ? MAX_XRES : xres;
            case DISPI_YRES -> caps ? MAX_YRES : yres;
            case DISPI_BPP -> caps ? MAX_BPP : bpp;
            case DISPI_ENABLE -> enable;
            case DISPI_BANK -> bank;
            case DISPI_VIRT_WIDTH -> virtWidth;
            case DISPI_VIRT_HEIGHT -> virtHeight;
            case DISPI_X_OFFSET -> xOffset;
            case DISPI_Y_OFFSET -> yOffset;
            case DISPI_VIDEO_MEMORY_64K -> vram.size() >>> 16;
            default -> {
                reportOnce(reg, "read");
                yield 0xFFFF;
            }
        };
    }

    private void writeRegister(int reg, int value) {
        switch (reg) {
            case DISPI_ID -> {
                if (value >= ID0 && value <= ID5) id = value;
            }
            case DISPI_XRES -> {
                if (value > 0 && value <= MAX_XRES && (value & 7) == 0) {
                    xres = value;
                    virtWidth = value;
                    virtHeight = maxVirtHeight();
                }
            }
            case DISPI_YRES -> {
                if (value > 0 && value <= MAX_YRES) yres = value;
            }
            case DISPI_BPP -> {
                int v = value == 0 ? 8 : value;
                if (v == 8 || v == 15 || v == 16 || v == 24 || v == 32) {
                    bpp = v;
                    virtHeight = maxVirtHeight();
                }
            }
            case DISPI_ENABLE -> writeEnable(value);
            case DISPI_BANK -> bank = value & ((vram.size() >>> 16) - 1);
            case DISPI_VIRT_WIDTH -> {
                if (value >= xres && (long) value * bytesPerPixel() * yres <= vram.size()) {
                    virtWidth = value;
                    virtHeight = maxVirtHeight();
                }
            }
            case DISPI_VIRT_HEIGHT -> virtHeight = Math.min(Math.max(value, yres), maxVirtHeight());
            case DISPI_X_OFFSET -> xOffset = value;
            case DISPI_Y_OFFSET -> yOffset = value;
            case DISPI_VIDEO_MEMORY_64K -> { } // read-only
            default -> reportOnce(reg, "write");
        }
    }

    private void writeEnable(int value) {
        boolean wasEnabled = isEnabled();
        if ((value & ENABLE_ENABLED) != 0 && !wasEnabled) {
            // A mode set: panning and bank restart, the virtual screen is the visible one.
            virtWidth = xres;
            virtHeight = maxVirtHeight();
            xOffset = 0;
            yOffset = 0;
            bank = 0;
            if ((value & ENABLE_NOCLEARMEM) == 0) vram.clear(0, lineBytes() * yres);
        }
        if ((value & ENABLE_ENABLED) == 0) bank = 0;
        enable = value & (ENABLE_ENABLED | ENABLE_GETCAPS | ENABLE_8BIT_DAC | ENABLE_LFB_ENABLED | ENABLE_NOCLEARMEM);
    }

    private int maxVirtHeight() {
        return Math.min(0xFFFF, vram.size() / Math.max(1, virtWidth * bytesPerPixel()));
    }

    private void reportOnce(int reg, String what) {
        if (reg < 0 || reg > 0xFFFF || reported.get(reg)) return;
        reported.set(reg);
        LOG.log(System.Logger.Level.INFO, "guest {0} of unknown DISPI register {1} (logged once)",
                what, String.format("%#x", reg));
    }

    // ---- what the VGA core and the renderer ask ----

    public boolean isEnabled() { return (enable & ENABLE_ENABLED) != 0; }

    /** DAC components are 8 bits wide instead of 6 (ENABLE bit 5). */
    boolean dac8Bit() { return (enable & ENABLE_8BIT_DAC) != 0; }

    /** Offset in video memory of the 64 KiB window at 0xA0000. */
    int bankOffset() { return bank * BANK_SIZE; }

    int xres() { return xres; }

    int yres() { return yres; }

    int bpp() { return bpp; }

    int bytesPerPixel() { return (bpp + 7) / 8; }

    /** Bytes from one scanline to the next (the virtual width). */
    int lineBytes() { return virtWidth * bytesPerPixel(); }

    /** Video memory offset of the visible screen's top left pixel. */
    int startOffset() { return yOffset * lineBytes() + xOffset * bytesPerPixel(); }

    // ---- state ----

    /** DISPI registers; names are the snapshot format. */
    public record State(int version, int index, int id, int xres, int yres, int bpp, int enable, int bank,
                        int virtWidth, int virtHeight, int xOffset, int yOffset) {
        public static final int VERSION = 1;

        public State {
            if (version != VERSION) throw new SnapshotFormatException("vbe", "version", "unsupported " + version);
            if (xres <= 0 || xres > MAX_XRES) throw new SnapshotFormatException("vbe", "xres");
            if (yres <= 0 || yres > MAX_YRES) throw new SnapshotFormatException("vbe", "yres");
            if (bpp != 8 && bpp != 15 && bpp != 16 && bpp != 24 && bpp != 32) {
                throw new SnapshotFormatException("vbe", "bpp");
            }
            if (id < ID0 || id > ID5) throw new SnapshotFormatException("vbe", "id");
            if (virtWidth < 0 || virtHeight < 0 || bank < 0) throw new SnapshotFormatException("vbe", "virtWidth");
        }
    }

    @Override public State saveState() {
        return new State(State.VERSION, index, id, xres, yres, bpp, enable, bank, virtWidth, virtHeight, xOffset, yOffset);
    }

    @Override public void restoreState(State s) {
        index = s.index();
        id = s.id();
        xres = s.xres();
        yres = s.yres();
        bpp = s.bpp();
        enable = s.enable();
        bank = s.bank() & ((vram.size() >>> 16) - 1);
        virtWidth = s.virtWidth();
        virtHeight = s.virtHeight();
        xOffset = s.xOffset();
        yOffset = s.yOffset();
    }
}
