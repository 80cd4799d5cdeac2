package javelin.devices.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DebugDevicesTest {
    @Nested
    class DebugConsolePort {
        @Test
        void bytesWrittenReachTheSinkInOrder() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DebugConsole con = new DebugConsole(out);
            for (char c : "ok\n".toCharArray()) con.ioWrite(0xE9, 1, c);
            assertEquals("ok\n", out.toString(StandardCharsets.US_ASCII));
        }

        @Test
        void readReturnsE9ForDetectionAsBochsAndQemuDo() {
            assertEquals(0xE9, new DebugConsole(new ByteArrayOutputStream()).ioRead(0xE9, 1));
        }
    }

    @Nested
    class DebugExit {
        @Test
        void writeOfValueRequestsExitWithValueShiftedAndOred() {
            AtomicInteger status = new AtomicInteger(-1);
            IsaDebugExit dev = new IsaDebugExit(status::set);
            dev.ioWrite(0xF4, 1, 0);
            assertEquals(1, status.get());
            dev.ioWrite(0xF4, 1, 0x10);
            assertEquals(0x21, status.get());
        }
    }

    @Nested
    class PostCodes {
        @Test
        void eachByteIsOneLineInTwoHexDigits() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PostCodeLogger post = new PostCodeLogger(new PrintStream(out, true, StandardCharsets.US_ASCII));
            post.ioWrite(0x80, 1, 0x0A);
            post.ioWrite(0x190, 1, 0xFF);
            assertEquals("POST 0a" + System.lineSeparator() + "POST ff" + System.lineSeparator(),
                    out.toString(StandardCharsets.US_ASCII));
        }
    }
}
