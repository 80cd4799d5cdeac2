package javelin.devices.ide;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PhysicalMemory;

/**
 * A PIIX IDE function on a port bus with 1 MiB of RAM, driven the way a guest driver does:
 * every access goes through {@link IoPortBus}. Ports and register layout follow the ATA-6
 * command and control blocks and the PIIX3 bus-master registers.
 */
final class IdeBench implements AutoCloseable {
    static final int BMIBA = 0xC000;
    static final int PRIMARY = 0x1F0;
    static final int PRIMARY_CONTROL = 0x3F6;
    static final int SECONDARY = 0x170;
    static final int SECONDARY_CONTROL = 0x376;

    final ReentrantLock lock = new ReentrantLock();
    final IoPortBus ports = new IoPortBus(lock);
    final PhysicalMemory memory = new PhysicalMemory(1 << 20, 0, lock);
    final boolean[] irq = new boolean[2];
    int irqRises;
    final PiixIde ide;

    IdeBench() {
        memory.mapRam(0, 1 << 20, 0);
        IrqLine irq14 = high -> {
            if (high && !irq[0]) irqRises++;
            irq[0] = high;
        };
        ide = new PiixIde(ports, memory, irq14, high -> irq[1] = high);
    }

    /** Programs BAR4 and enables I/O decoding and bus mastering, as firmware does. */
    IdeBench enableBusMaster() {
        ide.configWrite(PiixIde.REG_BMIBA, 4, BMIBA);
        ide.configWrite(0x04, 2, 0x0005);
        return this;
    }

    int in8(int port) { return ports.read(port, 1); }

    int in16(int port) { return ports.read(port, 2); }

    void out8(int port, int v) { ports.write(port, 1, v); }

    void out16(int port, int v) { ports.write(port, 2, v); }

    void out32(int port, int v) { ports.write(port, 4, v); }

    /** Issues a 28-bit LBA command to device {@code dev} of the channel at {@code base}. */
    void lba28(int base, int dev, long lba, int count, int command) {
        out8(base + 6, 0xE0 | dev << 4 | (int) (lba >>> 24) & 0x0F);
        out8(base + 2, count);
        out8(base + 3, (int) lba);
        out8(base + 4, (int) (lba >>> 8));
        out8(base + 5, (int) (lba >>> 16));
        out8(base + 7, command);
    }

    /** Issues a 48-bit command: each register written twice, high order byte first (ATA-6 6.20). */
    void lba48(int base, long lba, int count, int command) {
        out8(base + 6, 0x40);
        out8(base + 2, count >>> 8);
        out8(base + 2, count);
        out8(base + 3, (int) (lba >>> 24));
        out8(base + 3, (int) lba);
        out8(base + 4, (int) (lba >>> 32));
        out8(base + 4, (int) (lba >>> 8));
        out8(base + 5, (int) (lba >>> 40));
        out8(base + 5, (int) (lba >>> 16));
        out8(base + 7, command);
    }

    /** Reads {@code bytes} through the 16-bit data register. */
    byte[] readData(int base, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i += 2) {
            int w = in16(base);
            b[i] = (byte) w;
            if (i + 1 < bytes) b[i + 1] = (byte) (w >>> 8);
        }
        return b;
    }

    void writeData(int base, byte[] b) {
        for (int i = 0; i < b.length; i += 2) out16(base, b[i] & 0xFF | (b[i + 1] & 0xFF) << 8);
    }

    /** Writes a PRD entry: physical address, byte count (0 = 64 KiB), EOT flag. */
    void prd(long at, long address, int count, boolean last) {
        memory.writeDword(at, (int) address);
        memory.writeWord(at + 4, count);
        memory.writeWord(at + 6, last ? 0x8000 : 0);
    }

    void assertStatus(int base, int expected) {
        assertEquals(expected, in8(base + 7), () -> String.format("status, expected %02x", expected));
    }

    static byte[] expectedSectors(SparseDisk disk, long lba, int sectors) {
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) b[i] = disk.at(lba * 512 + i);
        return b;
    }

    @Override
    public void close() {
        memory.close();
    }
}
