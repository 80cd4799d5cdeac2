package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The PCI configuration header of the -vga std function (PCI Local Bus Specification 3.0, 6.1-6.3). */
class StdVgaPciTest {
    private static byte[] rom(int size) {
        byte[] r = new byte[size];
        r[0] = 0x55;
        r[1] = (byte) 0xAA;
        r[2] = (byte) (size / 512);
        return r;
    }

    @Nested class Header {
        @Test void identifiesAsTheQemuStandardVga() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                assertEquals(0x1234, b.pci.configRead(0x00, 2));
                assertEquals(0x1111, b.pci.configRead(0x02, 2));
                assertEquals(0x03, b.pci.configRead(0x0B, 1));
                assertEquals(0x00, b.pci.configRead(0x0A, 1));
                assertEquals(0x00, b.pci.configRead(0x0E, 1));
                assertEquals(0x1AF4, b.pci.configRead(0x2C, 2));
            }
        }

        @Test void bar0SizesAs16MibPrefetchableMemory() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                assertEquals(0x08, b.pci.configRead(0x10, 4));
                b.pci.configWrite(0x10, 4, 0xFFFF_FFFF);
                assertEquals(0xFF00_0008, b.pci.configRead(0x10, 4));
            }
        }

        @Test void readOnlyRegistersIgnoreWrites() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.pci.configWrite(0x00, 4, 0);
                b.pci.configWrite(0x08, 4, 0);
                assertEquals(0x1111_1234, b.pci.configRead(0x00, 4));
                assertEquals(0x0300_0000, b.pci.configRead(0x08, 4));
            }
        }
    }

    @Nested class Relocation {
        @Test void framebufferAppearsOnlyWithMemoryDecodingEnabled() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.pci.configWrite(0x10, 4, 0xE000_0000);
                assertEquals(-1, b.pci.framebufferAddress());
                assertEquals(0xFFFF_FFFFL, b.memory.readDword(0xE000_0000L) & 0xFFFF_FFFFL);
                b.pci.configWrite(0x04, 2, 0x0003);
                b.memory.writeDword(0xE000_0100L, 0xCAFE_F00D);
                assertEquals(0xE000_0000L, b.pci.framebufferAddress());
                assertEquals(0x0D, b.vram.readLinear(0x100));
            }
        }

        @Test void movingBar0MapsTheSameMemoryAtTheNewAddressAndUnmapsTheOld() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.mapLfb(0xE000_0000);
                b.memory.writeDword(0xE000_0020L, 0x1122_3344);
                b.pci.configWrite(0x10, 4, 0xF100_0000);
                assertEquals(0x1122_3344, b.memory.readDword(0xF100_0020L));
                assertEquals(0xFFFF_FFFFL, b.memory.readDword(0xE000_0020L) & 0xFFFF_FFFFL);
            }
        }
    }

    @Nested class BoardInterface {
        @Test void moveFramebufferActsLikeABar0Write() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.mapLfb(0xE000_0000);
                b.pci.moveFramebuffer(0xFD00_0000L);
                assertEquals(0xFD00_0008, b.pci.configRead(0x10, 4));
                assertEquals(0xFD00_0000L, b.pci.framebufferAddress());
                assertEquals(16L << 20, b.pci.framebufferSize());
            }
        }
    }

    @Nested class ExpansionRom {
        @Test void romBarSizesToThePowerOfTwoAboveTheImage() {
            try (VgaTestBoard b = new VgaTestBoard(rom(38 * 1024))) {
                b.pci.configWrite(0x30, 4, 0xFFFF_F800);
                assertEquals(0xFFFF_0000, b.pci.configRead(0x30, 4));
            }
        }

        @Test void enabledRomIsReadableAtItsBarAndReadOnly() {
            try (VgaTestBoard b = new VgaTestBoard(rom(32 * 1024))) {
                b.pci.configWrite(0x30, 4, 0xFEB0_0001);
                b.pci.configWrite(0x04, 2, 0x0002);
                assertEquals(0xAA55, b.memory.readWord(0xFEB0_0000L));
                b.memory.writeByte(0xFEB0_0000L, 0);
                assertEquals(0x55, b.memory.readByte(0xFEB0_0000L));
            }
        }

        @Test void withoutARomTheBarReadsZero() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.pci.configWrite(0x30, 4, 0xFFFF_F800);
                assertEquals(0, b.pci.configRead(0x30, 4));
            }
        }
    }

    @Nested class Snapshot {
        @Test void roundTripRestoresTheMapping() throws Exception {
            StdVgaPci.State saved;
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.mapLfb(0xE000_0000);
                b.pci.configWrite(0x3C, 1, 11);
                saved = b.pci.saveState();
            }
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                fresh.pci.restoreState(saved);
                assertEquals(saved, fresh.pci.saveState());
                assertEquals(0xE000_0000L, fresh.pci.framebufferAddress());
                fresh.memory.writeByte(0xE000_0005L, 0x77);
                assertEquals(0x77, fresh.vram.readLinear(5));
            }
            ObjectMapper json = new ObjectMapper();
            assertEquals(saved, json.readValue(json.writeValueAsString(saved), StdVgaPci.State.class));
        }

        @Test void resetUnmapsTheFramebuffer() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                b.mapLfb(0xE000_0000);
                b.pci.reset();
                assertEquals(-1, b.pci.framebufferAddress());
                assertEquals(0xFFFF_FFFFL, b.memory.readDword(0xE000_0000L) & 0xFFFF_FFFFL);
                assertEquals(0x08, b.pci.configRead(0x10, 4));
            }
        }

        @Test void rejectsAMisalignedBar() {
            try (VgaTestBoard b = new VgaTestBoard()) {
                assertThrows(SnapshotFormatException.class,
                        () -> b.pci.restoreState(new StdVgaPci.State(StdVgaPci.State.VERSION, 2, 0xE010_0000L, 0, 0)));
            }
        }
    }
}
