package javelin.devices.display;

import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.ManualClock;
import javelin.softmmu.PhysicalMemory;

/**
 * The display adapter wired as the PC board wires it (VGA ports at 0x3B0, DISPI at 0x1CE,
 * the VGA window at 0xA0000, the PCI function with its LFB), so tests talk to it only through
 * ports and physical memory, as a guest does.
 */
final class VgaTestBoard implements AutoCloseable {
    static final int VGA_BASE = 0x3B0;
    static final int VBE_BASE = 0x1CE;
    static final long WINDOW = 0xA0000;
    static final int ATTR_PORT = 0x3C0;
    static final int SEQ_INDEX = 0x3C4;
    static final int GC_INDEX = 0x3CE;
    static final int CRTC_INDEX = 0x3D4;
    static final int STATUS1 = 0x3DA;

    final ReentrantLock lock = new ReentrantLock();
    final ManualClock clock = new ManualClock();
    final PhysicalMemory memory = new PhysicalMemory(1 << 20, (17 << 20), lock);
    final IoPortBus ports = new IoPortBus(lock);
    final VideoMemory vram = new VideoMemory(memory, VideoMemory.DEFAULT_SIZE);
    final BochsVbe vbe = new BochsVbe(VBE_BASE, vram);
    final Vga vga = new Vga(VGA_BASE, vram, vbe, clock);
    final StdVgaPci pci;
    final Framebuffer framebuffer = new Framebuffer(640, 480);
    final VgaRenderer renderer = new VgaRenderer(vga, framebuffer);

    VgaTestBoard() {
        this(null);
    }

    VgaTestBoard(byte[] optionRom) {
        ports.register(VGA_BASE, Vga.PORT_COUNT, vga);
        ports.register(VBE_BASE, BochsVbe.PORT_COUNT, vbe);
        memory.mapRam(0, 1 << 20, 0);
        memory.mapMmio(WINDOW, Vga.WINDOW_SIZE, vga, false);
        pci = new StdVgaPci(memory, vram, optionRom);
    }

    int in(int port) {
        return ports.read(port, 1);
    }

    void out(int port, int value) {
        ports.write(port, 1, value);
    }

    int peek(long address) {
        return memory.readByte(address);
    }

    void poke(long address, int value) {
        memory.writeByte(address, value);
    }

    void seq(int index, int value) {
        out(SEQ_INDEX, index);
        out(SEQ_INDEX + 1, value);
    }

    void gc(int index, int value) {
        out(GC_INDEX, index);
        out(GC_INDEX + 1, value);
    }

    void crtc(int index, int value) {
        out(CRTC_INDEX, index);
        out(CRTC_INDEX + 1, value);
    }

    int crtc(int index) {
        out(CRTC_INDEX, index);
        return in(CRTC_INDEX + 1);
    }

    /** Writes an attribute register the way the BIOS does: reset the flip-flop, index, data. */
    void attr(int index, int value) {
        in(STATUS1);
        out(ATTR_PORT, index);
        out(ATTR_PORT, value);
    }

    /** Ends attribute programming: palette address source back to the CRTC (screen on). */
    void enableDisplay() {
        in(STATUS1);
        out(ATTR_PORT, 0x20);
    }

    void dispi(int index, int value) {
        ports.write(VBE_BASE, 2, index);
        ports.write(VBE_BASE + 1, 2, value);
    }

    int dispi(int index) {
        ports.write(VBE_BASE, 2, index);
        return ports.read(VBE_BASE + 1, 2);
    }

    /** Enables memory decoding with the LFB at {@code address}. */
    void mapLfb(int address) {
        pci.configWrite(StdVgaPci.REG_BAR0, 4, address);
        pci.configWrite(StdVgaPci.REG_COMMAND, 2, StdVgaPci.COMMAND_MEMORY | StdVgaPci.COMMAND_IO);
    }

    @Override public void close() {
        memory.close();
    }
}
