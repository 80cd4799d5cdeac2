package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirmwareFilesTest {
    @TempDir Path dir;

    private Path script(String body) throws IOException {
        Path s = dir.resolve("fetch-firmware");
        Files.writeString(s, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    @Nested
    class CacheDirectory {
        @Test
        void javelinCacheVariableWins() {
            assertEquals(Path.of("/x/c"), FirmwareFiles.defaultCacheDir(Map.of("JAVELIN_CACHE", "/x/c", "HOME", "/h")));
        }

        @Test
        void defaultsToDotCacheUnderHome() {
            assertEquals(Path.of("/h/.cache/javelin"), FirmwareFiles.defaultCacheDir(Map.of("HOME", "/h")));
        }
    }

    @Nested
    class Locating {
        @Test
        void cachedFilesAreFoundWithoutRunningTheScript() throws IOException {
            Path cache = dir.resolve("cache");
            Files.createDirectories(cache.resolve("firmware"));
            Files.write(cache.resolve("firmware/bios-256k.bin"), new byte[] {1});
            Files.write(cache.resolve("firmware/vgabios-stdvga.bin"), new byte[] {2});
            var files = new FirmwareFiles(cache, script("exit 7\n"));
            assertEquals(cache.resolve("firmware/bios-256k.bin"), files.bios());
            assertEquals(cache.resolve("firmware/vgabios-stdvga.bin"), files.vgaBios());
        }

        @Test
        void missingFilesRunTheFetchScriptWithTheCacheDirectory() throws IOException {
            Path cache = dir.resolve("cache");
            var files = new FirmwareFiles(cache, script("""
                    mkdir -p "$JAVELIN_CACHE/firmware"
                    printf x > "$JAVELIN_CACHE/firmware/bios-256k.bin"
                    """));
            Path bios = files.bios();
            assertEquals(cache.resolve("firmware/bios-256k.bin"), bios);
            assertEquals("x", Files.readString(bios));
        }

        @Test
        void aFailingScriptIsReportedWithItsOutput() throws IOException {
            var files = new FirmwareFiles(dir.resolve("cache"), script("echo no network >&2; exit 3\n"));
            IOException e = assertThrows(IOException.class, files::bios);
            assertTrue(e.getMessage().contains("exit status 3"), e.getMessage());
            assertTrue(e.getMessage().contains("no network"), e.getMessage());
        }

        @Test
        void noScriptGivesAMessageNamingTheFileAndTheRemedy() {
            var files = new FirmwareFiles(dir.resolve("cache"), null);
            IOException e = assertThrows(IOException.class, files::vgaBios);
            assertTrue(e.getMessage().contains("vgabios-stdvga.bin"), e.getMessage());
            assertTrue(e.getMessage().contains("-bios"), e.getMessage());
        }

        @Test
        void aScriptThatSucceedsWithoutTheFileIsAnError() throws IOException {
            var files = new FirmwareFiles(dir.resolve("cache"), script("exit 0\n"));
            IOException e = assertThrows(IOException.class, files::bios);
            assertTrue(e.getMessage().contains("still missing"), e.getMessage());
        }
    }
}
