package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin cputest} as a user runs it: one line per file, then {@code N passed, M failed}. */
class CputestCommandIT {
    private static Path conformance() {
        return Path.of(System.getProperty("javelin.conformance.dir")).toAbsolutePath().normalize();
    }

    @Test
    void runsSharedFilesAndEndsWithTheSummaryLine(@TempDir Path dir) throws Exception {
        Path add = conformance().resolve("80286/00.json.gz");
        Path sample = conformance().resolve("80386-moo-sample/00.json.gz");
        var result = JavelinProcess.run(dir, 120, "cputest", add.toString(), sample.toString());
        String[] lines = result.stdout().strip().split("\n");
        assertEquals(3, lines.length, result.stdout());
        // NAME passed/applicable, then the skips with their reason; every applicable test passes.
        var fileLine = java.util.regex.Pattern.compile("00 (\\d+)/\\1( \\(skipped \\d+: .+\\))?");
        int passed = 0;
        for (int i = 0; i < 2; i++) {
            var m = fileLine.matcher(lines[i]);
            assertTrue(m.matches(), lines[i]);
            passed += Integer.parseInt(m.group(1));
        }
        assertTrue(passed >= 1400, "most of the 1500 tests are applicable");
        assertEquals(passed + " passed, 0 failed", lines[2]);
        assertEquals(0, result.status(), result.stderr());
    }

    @Test
    void missingPathIsOneLineError(@TempDir Path dir) throws Exception {
        var result = JavelinProcess.run(dir, 60, "cputest", dir.resolve("nope").toString());
        assertEquals(1, result.status());
        assertEquals("javelin: cputest: " + dir.resolve("nope") + ": no such file or directory", result.stderr().strip());
    }
}
