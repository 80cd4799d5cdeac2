package javelin.ui.chardev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** QEMU's chardev spellings, as its documentation gives them (qemu-options.hx, -chardev/-serial). */
class SpecParsingTest {
    @Nested
    class Sockets {
        @Test
        void tcpServerWithoutWait() {
            SocketSpec s = SocketSpec.parse("-serial", "tcp:127.0.0.1:4444,server=on,wait=off");
            assertEquals("127.0.0.1", s.host());
            assertEquals(4444, s.port());
            assertTrue(s.server());
            assertFalse(s.waitForClient());
            assertFalse(s.telnet());
        }

        @Test
        void serverWaitsByDefaultAndOldFlagSpellingsWork() {
            assertTrue(SocketSpec.parse("-serial", "tcp::4444,server").waitForClient());
            SocketSpec old = SocketSpec.parse("-serial", "tcp::4444,server,nowait,telnet");
            assertFalse(old.waitForClient());
            assertTrue(old.telnet());
        }

        @Test
        void emptyHostBindsLoopback() {
            assertEquals("127.0.0.1", SocketSpec.parse("-qmp", "tcp::4444,server=on").host());
        }

        @Test
        void bracketedIpv6Host() {
            assertEquals("::1", SocketSpec.parse("-qmp", "tcp:[::1]:4444,server=on").host());
        }

        @Test
        void unixPath() {
            SocketSpec s = SocketSpec.parse("-qmp", "unix:/tmp/qmp.sock,server=on,wait=off");
            assertEquals(Path.of("/tmp/qmp.sock"), s.path());
            assertTrue(s.isUnix());
        }

        @Test
        void badInputIsRefusedWithTheOptionNamed() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SocketSpec.parse("-serial", "tcp:localhost"));
            assertTrue(e.getMessage().startsWith("-serial"));
            assertThrows(IllegalArgumentException.class, () -> SocketSpec.parse("-serial", "tcp::99999,server=on"));
            assertThrows(IllegalArgumentException.class, () -> SocketSpec.parse("-serial", "tcp::1,server=maybe"));
            assertThrows(IllegalArgumentException.class, () -> SocketSpec.parse("-serial", "tcp::1,frobnicate=on"));
        }
    }

    @Nested
    class Serial {
        @Test
        void everyBackEndKind() {
            assertInstanceOf(SerialSpec.Stdio.class, SerialSpec.parse("stdio"));
            assertInstanceOf(SerialSpec.Null.class, SerialSpec.parse("null"));
            assertInstanceOf(SerialSpec.Null.class, SerialSpec.parse("none"));
            assertEquals(new SerialSpec.File(Path.of("/tmp/log")), SerialSpec.parse("file:/tmp/log"));
            assertInstanceOf(SerialSpec.Socket.class, SerialSpec.parse("tcp::4444,server=on,wait=off"));
            assertInstanceOf(SerialSpec.Socket.class, SerialSpec.parse("unix:/tmp/s,server=on"));
            assertThrows(IllegalArgumentException.class, () -> SerialSpec.parse("pty"));
        }
    }
}
