package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NextStartMediaTest {
    @TempDir
    Path dir;

    @Test
    void theFileLivesUnderXdgConfigHomeElseHomeDotConfig() {
        assertEquals(Path.of("/cfg/javelin/next-start.json"), NextStartMedia.file(Map.of("XDG_CONFIG_HOME", "/cfg", "HOME", "/home/u")));
        assertEquals(Path.of("/home/u/.config/javelin/next-start.json"), NextStartMedia.file(Map.of("HOME", "/home/u")));
    }

    @Test
    void savedMediaLoadBackAndBecomeQemuOptions() throws Exception {
        Path file = dir.resolve("cfg/next-start.json");
        NextStartMedia m = new NextStartMedia(dir.resolve("a.img"), null, dir.resolve("cd.iso"));
        m.save(file);
        assertEquals(Optional.of(m), NextStartMedia.load(file));
        assertEquals(List.of("-hda", dir.resolve("a.img").toString(), "-cdrom", dir.resolve("cd.iso").toString()), m.arguments());
        assertTrue(Files.readString(file).contains("\"version\" : 1"), Files.readString(file));
    }

    @Test
    void noFileMeansNoChoiceAndSavingNothingRemovesTheFile() throws Exception {
        Path file = dir.resolve("next-start.json");
        assertEquals(Optional.empty(), NextStartMedia.load(file));
        new NextStartMedia(dir.resolve("a.img"), null, null).save(file);
        assertTrue(Files.exists(file));
        new NextStartMedia(null, null, null).save(file);
        assertFalse(Files.exists(file), "back to the reference CD");
    }

    @Test
    void aDamagedOrForeignFileIsOneLineNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("next-start.json"), "{\"hda\": ");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> NextStartMedia.load(file));
        assertTrue(bad.getMessage().startsWith(file + ": not valid JSON"), bad.getMessage());
        Files.writeString(file, "{\"version\": 7}");
        IllegalArgumentException version = assertThrows(IllegalArgumentException.class, () -> NextStartMedia.load(file));
        assertEquals(file + ": version 7 (expected 1)", version.getMessage());
    }

    @Test
    void missingFilesAreProblemsNamedByDrive() throws Exception {
        Path disk = Files.write(dir.resolve("disk.img"), new byte[512]);
        NextStartMedia m = new NextStartMedia(disk, dir.resolve("gone.img"), dir);
        assertEquals(List.of("hdb " + dir.resolve("gone.img") + ": no such file", "CD-ROM " + dir + ": not a readable file"),
                m.problems());
    }
}
