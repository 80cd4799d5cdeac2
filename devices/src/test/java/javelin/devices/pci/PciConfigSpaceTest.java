package javelin.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PciConfigSpaceTest {
    private final List<String> moves = new ArrayList<>();
    private final PciConfigSpace config = new PciConfigSpace(0x8086, 0x7010, 0, 0x010180, 0,
            (bar, from, to) -> moves.add(bar + ":" + from + "->" + to));

    PciConfigSpaceTest() {
        config.ioBar(4, 16);
        config.memoryBar(0, 4096, false);
        config.writable(PciConfigSpace.REG_COMMAND, 0x07);
    }

    @Nested
    class Header {
        @Test
        void identificationReadsLittleEndian() {
            assertEquals(0x70108086, config.read(PciConfigSpace.REG_VENDOR_ID, 4));
            assertEquals(0x80, config.read(PciConfigSpace.REG_CLASS_CODE, 1));
            assertEquals(0x0101, config.read(PciConfigSpace.REG_CLASS_CODE + 1, 2));
        }

        @Test
        void readOnlyBytesIgnoreWrites() {
            config.write(PciConfigSpace.REG_VENDOR_ID, 4, 0x12345678);
            assertEquals(0x70108086, config.read(PciConfigSpace.REG_VENDOR_ID, 4));
        }

        @Test
        void statusBitsDeclaredWriteOneToClearClearOnlyWhereOnesAreWritten() {
            config.initByte(PciConfigSpace.REG_STATUS + 1, 0x30);
            config.clearedByOne(PciConfigSpace.REG_STATUS + 1, 0x30);
            config.write(PciConfigSpace.REG_STATUS, 2, 0x1000);
            assertEquals(0x20, config.read(PciConfigSpace.REG_STATUS + 1, 1));
        }
    }

    @Nested
    class BarSizing {
        // PCI 2.1 section 6.2.5.1: write all ones, read back the size mask plus the type bits.
        @Test
        void ioBarReadsBackSizeMaskWithIoBit() {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xFFFF_FFFF);
            assertEquals(0xFFFF_FFF1, config.read(PciConfigSpace.REG_BAR0 + 16, 4));
        }

        @Test
        void memoryBarReadsBackSizeMaskWithMemoryType() {
            config.write(PciConfigSpace.REG_BAR0, 4, 0xFFFF_FFFF);
            assertEquals(0xFFFF_F000, config.read(PciConfigSpace.REG_BAR0, 4));
        }

        @Test
        void unimplementedBarReadsZero() {
            config.write(PciConfigSpace.REG_BAR0 + 4, 4, 0xFFFF_FFFF);
            assertEquals(0, config.read(PciConfigSpace.REG_BAR0 + 4, 4));
        }

        @Test
        void addressBitsBelowTheSizeStayZero() {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xC00F);
            assertEquals(0xC001, config.read(PciConfigSpace.REG_BAR0 + 16, 4));
        }
    }

    @Nested
    class Relocation {
        @Test
        void ownerIsToldOnlyOnceDecodeIsEnabled() {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xC000);
            assertEquals(List.of(), moves);
            config.write(PciConfigSpace.REG_COMMAND, 2, PciConfigSpace.COMMAND_IO_SPACE);
            assertEquals(List.of("4:-1->49152"), moves);
        }

        @Test
        void movingAnEnabledBarReportsOldAndNewBase() {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xC000);
            config.write(PciConfigSpace.REG_COMMAND, 2, PciConfigSpace.COMMAND_IO_SPACE);
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xD000);
            config.write(PciConfigSpace.REG_COMMAND, 2, 0);
            assertEquals(List.of("4:-1->49152", "4:49152->53248", "4:53248->-1"), moves);
        }

        @Test
        void memoryBarDecodesOnTheMemoryEnableBit() {
            config.write(PciConfigSpace.REG_BAR0, 4, 0xFEBF_0000);
            config.write(PciConfigSpace.REG_COMMAND, 2, PciConfigSpace.COMMAND_IO_SPACE);
            assertEquals(PciConfigSpace.UNMAPPED, config.decodedBase(0));
            config.write(PciConfigSpace.REG_COMMAND, 2, PciConfigSpace.COMMAND_MEMORY_SPACE);
            assertEquals(0xFEBF_0000L, config.decodedBase(0));
            assertEquals(List.of("0:-1->" + 0xFEBF_0000L), moves);
        }

        @Test
        void sizingWhileDisabledNeverMovesAnything() {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xFFFF_FFFF);
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xC000);
            assertEquals(List.of(), moves);
        }
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripsDirectlyAndThroughJson() throws Exception {
            config.write(PciConfigSpace.REG_BAR0 + 16, 4, 0xC000);
            config.write(PciConfigSpace.REG_COMMAND, 2, PciConfigSpace.COMMAND_IO_SPACE);
            PciConfigSpace.State saved = config.saveState();
            ObjectMapper json = new ObjectMapper();
            PciConfigSpace.State parsed = json.readValue(json.writeValueAsString(saved), PciConfigSpace.State.class);
            assertEquals(saved, parsed);

            List<String> freshMoves = new ArrayList<>();
            PciConfigSpace fresh = new PciConfigSpace(0x8086, 0x7010, 0, 0x010180, 0,
                    (bar, from, to) -> freshMoves.add(bar + ":" + from + "->" + to));
            fresh.ioBar(4, 16);
            fresh.restoreState(parsed);
            assertEquals(saved, fresh.saveState());
            assertEquals(List.of("4:-1->49152"), freshMoves);
        }
    }
}
