package javelin.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class I440fxHostTest {
    private static final int ROM_BYTE = 0xA5;

    private final PhysicalMemory memory = new PhysicalMemory(2 << 20, 256 << 10, new ReentrantLock());
    private final long romBacking = memory.allocateBlock(256 << 10);
    private final List<Boolean> smramEvents = new ArrayList<>();
    private final I440fxHost host;

    I440fxHostTest() {
        memory.mapRam(0, 2 << 20, 0);
        byte[] rom = new byte[256 << 10];
        Arrays.fill(rom, (byte) ROM_BYTE);
        MemorySegment.copy(rom, 0, memory.backing(), ValueLayout.JAVA_BYTE, romBacking, rom.length);
        host = new I440fxHost(memory, romBacking, smramEvents::add);
    }

    @AfterEach
    void free() {
        memory.close();
    }

    @Test
    void identifiesAs82441fx() {
        assertEquals(0x12378086, host.configRead(0x00, 4));
        assertEquals(0x06, host.configRead(0x0B, 1));
        assertEquals(0x00, host.configRead(0x0A, 1));
        assertEquals(0x02, host.configRead(0x08, 1));
    }

    @Nested
    class Pam {
        @Test
        void afterResetTheBiosWindowReadsRomAndDropsWrites() {
            assertEquals(ROM_BYTE, memory.readByte(0xFFFF0));
            memory.writeByte(0xFFFF0, 0x11);
            assertEquals(ROM_BYTE, memory.readByte(0xFFFF0));
            assertEquals(ROM_BYTE, memory.readByte(0xC0000));
        }

        @Test
        void writeEnableAloneWritesRamWhileReadsStillComeFromRom() {
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x20);            // WE only, 0xF0000-0xFFFFF
            memory.writeByte(0xF1234, 0x42);
            assertEquals(ROM_BYTE, memory.readByte(0xF1234));
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x10);            // RE only: the copy is visible
            assertEquals(0x42, memory.readByte(0xF1234));
        }

        @Test
        void writeOnlyModeSurvivesRepeatedToggling() {
            for (int i = 0; i < 1000; i++) {
                host.configWrite(I440fxHost.REG_PAM0, 1, 0x20);
                host.configWrite(I440fxHost.REG_PAM0, 1, 0x00);
            }
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x20);
            memory.writeByte(0xF0010, 0x3C);
            assertEquals(ROM_BYTE, memory.readByte(0xF0010));
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x30);
            assertEquals(0x3C, memory.readByte(0xF0010));
        }

        @Test
        void readOnlyShadowDropsWrites() {
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x30);
            memory.writeByte(0xF0000, 0x77);
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x10);
            memory.writeByte(0xF0000, 0x99);
            assertEquals(0x77, memory.readByte(0xF0000));
        }

        @Test
        void eachNibbleControlsOne16KiBBlock() {
            host.configWrite(I440fxHost.REG_PAM0 + 1, 1, 0x03);        // PAM1 low nibble: 0xC0000-0xC3FFF RAM
            memory.writeByte(0xC0000, 0x55);
            memory.writeByte(0xC4000, 0x55);
            assertEquals(0x55, memory.readByte(0xC0000));
            assertEquals(ROM_BYTE, memory.readByte(0xC4000));
            host.configWrite(I440fxHost.REG_PAM6, 1, 0x30);            // PAM6 high nibble: 0xEC000-0xEFFFF
            memory.writeByte(0xEC000, 0x66);
            memory.writeByte(0xE8000, 0x66);
            assertEquals(0x66, memory.readByte(0xEC000));
            assertEquals(ROM_BYTE, memory.readByte(0xE8000));
        }

        @Test
        void pam0LowNibbleIsReserved() {
            host.configWrite(I440fxHost.REG_PAM0, 1, 0xFF);
            assertEquals(0x70, host.configRead(I440fxHost.REG_PAM0, 1));
        }

        @Test
        void dwordWriteProgramsFourPamRegistersAtOnce() {
            host.configWrite(0x5C, 4, 0x3333_3333);                     // PAM3..PAM6
            assertEquals(0x3333_3333, host.configRead(0x5C, 4));
            memory.writeByte(0xD0000, 0x12);
            assertEquals(0x12, memory.readByte(0xD0000));
        }
    }

    @Nested
    class Smram {
        @Test
        void resetValueHasBaseSegmentA0000() {
            assertEquals(0x02, host.configRead(I440fxHost.REG_SMRAM, 1));
        }

        @Test
        void openWithSmrameEnabledShowsDramToTheBoard() {
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x4A);
            assertEquals(List.of(true), smramEvents);
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x0A);
            assertEquals(List.of(true, false), smramEvents);
        }

        @Test
        void lockClearsOpenAndHoldsUntilReset() {
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x4A);
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x1A);          // D_LCK
            assertEquals(0x1A, host.configRead(I440fxHost.REG_SMRAM, 1));
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x42);          // try to open and unlock
            assertEquals(0x1A, host.configRead(I440fxHost.REG_SMRAM, 1));
            assertEquals(List.of(true, false), smramEvents);
        }

        @Test
        void baseSegmentIsReadOnly() {
            host.configWrite(I440fxHost.REG_SMRAM, 1, 0x07);
            assertEquals(0x02, host.configRead(I440fxHost.REG_SMRAM, 1));
        }
    }

    @Test
    void resetShowsTheRomAgainAndReleasesTheSmramLock() {
        host.configWrite(I440fxHost.REG_PAM0, 1, 0x30);
        memory.writeByte(0xF0000, 0x77);
        host.configWrite(I440fxHost.REG_SMRAM, 1, 0x1A);
        host.reset();
        assertEquals(ROM_BYTE, memory.readByte(0xF0000));
        assertEquals(0x02, host.configRead(I440fxHost.REG_SMRAM, 1));
        host.configWrite(I440fxHost.REG_SMRAM, 1, 0x4A);
        assertEquals(0x4A, host.configRead(I440fxHost.REG_SMRAM, 1));
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripRestoresPamMappingsThroughJson() throws Exception {
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x30);
            memory.writeByte(0xF0000, 0x5A);
            host.configWrite(I440fxHost.REG_PAM0, 1, 0x10);
            I440fxHost.State saved = host.saveState();
            ObjectMapper json = new ObjectMapper();
            I440fxHost.State parsed = json.readValue(json.writeValueAsString(saved), I440fxHost.State.class);
            assertEquals(saved, parsed);

            I440fxHost fresh = new I440fxHost(memory, romBacking, b -> { });
            assertEquals(ROM_BYTE, memory.readByte(0xF0000));            // a fresh bridge maps the ROM
            fresh.restoreState(parsed);
            assertEquals(saved, fresh.saveState());
            assertEquals(0x5A, memory.readByte(0xF0000));
        }

        @Test
        void recordRefusesAnotherVersion() {
            assertThrows(SnapshotFormatException.class,
                    () -> new I440fxHost.State(99, host.saveState().config()));
        }
    }
}
