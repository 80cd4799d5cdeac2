package javelin.ui.fx.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineProfileStoreTest {
    @TempDir
    Path root;

    private MachineProfileStore store() {
        return new MachineProfileStore(root);
    }

    private static MachineProfile profile(String name) {
        return MachineProfile.of(name, "/images/" + name + ".iso", null, null, null, null, null, 256, 1);
    }

    @Nested
    class Files_ {
        @Test
        void saveThenLoadGivesAnEqualProfile() {
            MachineProfile p = MachineProfile.of("Linux", null, "/d/a.img", "/d/b.img", "/k/bzImage", "/k/initrd",
                    "console=ttyS0", 768, 2);
            store().save(p);
            assertEquals(p, new MachineProfileStore(root).load("Linux"));
        }

        @Test
        void profilesAreReadableJsonUnderMachines() throws IOException {
            store().save(profile("deb"));
            String text = Files.readString(root.resolve("machines/deb.json"));
            assertTrue(text.contains("\"version\" : 1"), text);
            assertTrue(text.contains("\"cdrom\" : \"/images/deb.iso\""), text);
            assertTrue(!text.contains("\"hda\""), "absent images are left out: " + text);
        }

        @Test
        void loadsTheVersionOneFormat() throws IOException {
            // The v1 file format as documented; a field rename must keep this loading.
            Files.createDirectories(root.resolve("machines"));
            Files.writeString(root.resolve("machines/old.json"), """
                    {"version": 1, "name": "old", "kernel": "/boot/vmlinuz", "append": "console=ttyS0",
                     "memoryMiB": 128, "cpus": 1}""");
            assertEquals(MachineProfile.of("old", null, null, null, "/boot/vmlinuz", null, "console=ttyS0", 128, 1),
                    store().load("old"));
        }

        @Test
        void listsSavedMachinesByName() {
            store().save(profile("b"));
            store().save(profile("a"));
            assertEquals(List.of("a", "b"), store().list());
        }

        @Test
        void nothingSavedIsAnEmptyList() {
            assertEquals(List.of(), store().list());
            assertEquals(List.of(), store().recent());
        }

        @Test
        void aMissingProfileIsAClearError() {
            var e = assertThrows(MachineProfileException.class, () -> store().load("nope"));
            assertEquals("no saved machine 'nope' (" + root.resolve("machines/nope.json") + ")", e.getMessage());
        }

        @Test
        void aCorruptFileIsNamedAndNeverOverwritten() throws IOException {
            Path file = root.resolve("machines/broken.json");
            Files.createDirectories(file.getParent());
            byte[] corrupt = "{\"version\": 1, \"name\": \"broken\", memoryMiB: }".getBytes(StandardCharsets.UTF_8);
            Files.write(file, corrupt);
            var load = assertThrows(MachineProfileException.class, () -> store().load("broken"));
            assertTrue(load.getMessage().startsWith(file + ": not a valid machine file (line 1, column "), load.getMessage());
            assertTrue(load.getMessage().lines().count() == 1, load.getMessage());
            var save = assertThrows(MachineProfileException.class, () -> store().save(profile("broken")));
            assertTrue(save.getMessage().contains("not overwritten"), save.getMessage());
            assertArrayEquals(corrupt, Files.readAllBytes(file));
        }

        @Test
        void aNewerFormatIsRefusedWithTheFileName() throws IOException {
            Files.createDirectories(root.resolve("machines"));
            Files.writeString(root.resolve("machines/new.json"),
                    "{\"version\": 99, \"name\": \"new\", \"memoryMiB\": 128, \"cpus\": 1}");
            var e = assertThrows(MachineProfileException.class, () -> store().load("new"));
            assertEquals(root.resolve("machines/new.json") + ": profile format version 99 is newer than this Javelin reads (1)",
                    e.getMessage());
        }
    }

    @Nested
    class Recent {
        @Test
        void mostRecentFirstWithoutDuplicates() {
            for (String n : List.of("a", "b", "c")) store().save(profile(n));
            store().markRecent("a");
            store().markRecent("b");
            store().markRecent("c");
            store().markRecent("a");
            assertEquals(List.of("a", "c", "b"), store().recent());
        }

        @Test
        void keepsTheLastTen() {
            for (int i = 0; i < 12; i++) {
                store().save(profile("m" + i));
                store().markRecent("m" + i);
            }
            List<String> recent = store().recent();
            assertEquals(MachineProfileStore.RECENT_LIMIT, recent.size());
            assertEquals("m11", recent.get(0));
            assertEquals("m2", recent.get(9));
        }

        @Test
        void deletedMachinesDropOut() throws IOException {
            store().save(profile("gone"));
            store().save(profile("kept"));
            store().markRecent("gone");
            store().markRecent("kept");
            Files.delete(root.resolve("machines/gone.json"));
            assertEquals(List.of("kept"), store().recent());
        }

        @Test
        void aCorruptListIsKeptAsideAndRestarted() throws IOException {
            store().save(profile("x"));
            Files.writeString(root.resolve("recent.json"), "[\"x\", ");
            var e = assertThrows(MachineProfileException.class, () -> store().recent());
            assertTrue(e.getMessage().startsWith(root.resolve("recent.json") + ": "), e.getMessage());
            store().markRecent("x");
            assertEquals(List.of("x"), store().recent());
            assertEquals("[\"x\", ", Files.readString(root.resolve("recent.json.bad")));
        }
    }

    @Test
    void userConfigDirectoryFollowsXdg() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/cfg/javelin"), MachineProfileStore.userConfigRoot(Map.of("XDG_CONFIG_HOME", "/cfg"), home));
        assertEquals(Path.of("/home/u/.config/javelin"), MachineProfileStore.userConfigRoot(Map.of(), home));
        // The specification ignores a relative value.
        assertEquals(Path.of("/home/u/.config/javelin"),
                MachineProfileStore.userConfigRoot(Map.of("XDG_CONFIG_HOME", "rel"), home));
    }
}
