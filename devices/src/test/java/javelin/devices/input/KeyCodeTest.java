package javelin.devices.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Scan codes from the Microsoft Keyboard Scan Code Specification, appendix C. */
class KeyCodeTest {
    @Nested
    class Sequences {
        @Test
        void plainKeyInBothSets() {
            assertEquals(List.of(0x1E), KeyCode.A.make(1));
            assertEquals(List.of(0x9E), KeyCode.A.breakCode(1));
            assertEquals(List.of(0x1C), KeyCode.A.make(2));
            assertEquals(List.of(0xF0, 0x1C), KeyCode.A.breakCode(2));
        }

        @Test
        void extendedKeyHasE0Prefix() {
            assertEquals(List.of(0xE0, 0x52), KeyCode.INSERT.make(1));
            assertEquals(List.of(0xE0, 0xD2), KeyCode.INSERT.breakCode(1));
            assertEquals(List.of(0xE0, 0x70), KeyCode.INSERT.make(2));
            assertEquals(List.of(0xE0, 0xF0, 0x70), KeyCode.INSERT.breakCode(2));
        }

        @Test
        void printScreenInSet1() {
            assertEquals(List.of(0xE0, 0x2A, 0xE0, 0x37), KeyCode.PRINT_SCREEN.make(1));
            assertEquals(List.of(0xE0, 0xB7, 0xE0, 0xAA), KeyCode.PRINT_SCREEN.breakCode(1));
        }

        @Test
        void pauseHasNoBreakCode() {
            assertEquals(List.of(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), KeyCode.PAUSE.make(1));
            assertEquals(List.of(), KeyCode.PAUSE.breakCode(2));
        }

        @Test
        void f7IsTheOnlySet2CodeAbove7F() {
            for (KeyCode k : KeyCode.values()) {
                if (k != KeyCode.F7) assertTrue(k.set2 < 0x80, k.name());
            }
            assertEquals(List.of(0x83), KeyCode.F7.make(2));
        }
    }

    @Nested
    class Table {
        @Test
        void everyKeyHasItsOwnMakeSequence() {
            Set<List<Integer>> set1 = new HashSet<>(), set2 = new HashSet<>();
            for (KeyCode k : KeyCode.values()) {
                assertTrue(set1.add(k.make(1)), "set 1 duplicate: " + k);
                assertTrue(set2.add(k.make(2)), "set 2 duplicate: " + k);
            }
        }

        @Test
        void keysSharingASet2ByteShareTheSet1Byte() {
            // The 8042 translates byte by byte, so one set-2 byte must always mean one set-1 byte.
            Map<Integer, Integer> seen = new HashMap<>();
            for (KeyCode k : KeyCode.values()) {
                Integer previous = seen.putIfAbsent(k.set2, k.set1);
                if (previous != null) assertEquals(previous, k.set1, k.name());
            }
        }
    }
}
