package javelin.ui.chardev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackendsTest {
    @Nested
    class Stdio {
        @Test
        void outputIsWrittenAndInputIsPushedFromItsOwnThread() throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            StdioBackend backend = new StdioBackend(new ByteArrayInputStream("ls\n".getBytes(StandardCharsets.US_ASCII)), out);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            CountDownLatch done = new CountDownLatch(3);
            backend.attach((bytes, off, len) -> {
                synchronized (received) {
                    received.write(bytes, off, len);
                }
                for (int i = 0; i < len; i++) done.countDown();
            });
            backend.transmit('o');
            backend.transmit('k');
            assertTrue(done.await(10, TimeUnit.SECONDS), "input pump delivered the bytes");
            backend.close();
            assertEquals("ok", out.toString(StandardCharsets.US_ASCII));
            synchronized (received) {
                assertEquals("ls\n", received.toString(StandardCharsets.US_ASCII));
            }
        }
    }

    @Nested
    class File {
        @Test
        void guestOutputLandsInTheFile(@TempDir Path dir) throws Exception {
            Path log = dir.resolve("com1.log");
            FileBackend backend = new FileBackend(log);
            for (byte b : "boot\nok".getBytes(StandardCharsets.US_ASCII)) backend.transmit(b);
            assertEquals("boot\n", Files.readString(log), "flushed at the line end");
            backend.close();
            assertArrayEquals("boot\nok".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(log));
        }

        @Test
        void unwritableFileGivesAClearError(@TempDir Path dir) {
            Path missing = dir.resolve("no/such/dir/out.log");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new FileBackend(missing));
            assertTrue(e.getMessage().contains(missing.toString()));
        }
    }
}
