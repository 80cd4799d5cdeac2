package javelin.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** QEMU's chardev spellings, as its documentation gives them (qemu-options.hx, -chardev/-serial). */
class CharDevSpecTest {
    @Nested
    class Kinds {
        @Test
        void everyBackEndKindHasItsRecord() {
            assertEquals(new CharDevSpec.Stdio(), CharDevSpec.parse("-serial", "stdio"));
            assertEquals(new CharDevSpec.Null(), CharDevSpec.parse("-serial", "null"));
            assertEquals(new CharDevSpec.Null(), CharDevSpec.parse("-serial", "none"));
            assertEquals(new CharDevSpec.VirtualConsole(), CharDevSpec.parse("-serial", "vc"));
            assertEquals(new CharDevSpec.File(Path.of("/tmp/log")), CharDevSpec.parse("-serial", "file:/tmp/log"));
            assertEquals(new CharDevSpec.Tcp("127.0.0.1", 4444, true, false, false),
                    CharDevSpec.parse("-serial", "tcp::4444,server=on,wait=off"));
            assertEquals(new CharDevSpec.Unix(Path.of("/tmp/s"), true, true, false),
                    CharDevSpec.parse("-serial", "unix:/tmp/s,server=on"));
        }

        @Test
        void aFilePathKeepsItsCommas() {
            assertEquals(new CharDevSpec.File(Path.of("/tmp/a,b")), CharDevSpec.parse("-debugcon", "file:/tmp/a,b"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"pty", "file:", "stdio,server=on", "telnet::4444", "udp::4444", ""})
        void anythingElseIsRefusedWithTheOptionAndTheFormsNamed(String text) {
            MachineConfigException e = assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-debugcon", text));
            assertEquals("-debugcon: unknown back end '" + text
                    + "' (use stdio, vc, file:PATH, tcp:HOST:PORT[,server=on], unix:PATH[,server=on] or null)", e.getMessage());
        }
    }

    @Nested
    class Sockets {
        @Test
        void tcpServerWithoutWait() {
            CharDevSpec.Tcp s = (CharDevSpec.Tcp) CharDevSpec.parseSocket("-serial", "tcp:127.0.0.1:4444,server=on,wait=off");
            assertEquals("127.0.0.1", s.host());
            assertEquals(4444, s.port());
            assertTrue(s.server());
            assertFalse(s.waitForClient());
            assertFalse(s.telnet());
        }

        @Test
        void serverWaitsByDefaultAndOldFlagSpellingsWork() {
            assertTrue(CharDevSpec.parseSocket("-serial", "tcp::4444,server").waitForClient());
            CharDevSpec.Socket old = CharDevSpec.parseSocket("-serial", "tcp::4444,server,nowait,telnet,nodelay");
            assertFalse(old.waitForClient());
            assertTrue(old.telnet());
        }

        @Test
        void aClientNeverWaits() {
            CharDevSpec.Socket client = CharDevSpec.parseSocket("-serial", "tcp:192.0.2.1:4444");
            assertFalse(client.server());
            assertFalse(client.waitForClient(), "wait only applies to a server");
        }

        @Test
        void emptyHostBindsLoopback() {
            assertEquals("127.0.0.1", ((CharDevSpec.Tcp) CharDevSpec.parseSocket("-qmp", "tcp::4444,server=on")).host());
        }

        @Test
        void bracketedIpv6Host() {
            assertEquals("::1", ((CharDevSpec.Tcp) CharDevSpec.parseSocket("-qmp", "tcp:[::1]:4444,server=on")).host());
        }

        @Test
        void unixPath() {
            assertEquals(new CharDevSpec.Unix(Path.of("/tmp/qmp.sock"), true, false, false),
                    CharDevSpec.parseSocket("-qmp", "unix:/tmp/qmp.sock,server=on,wait=off"));
        }

        @Test
        void badInputIsRefusedWithTheOptionNamed() {
            assertEquals("-serial: 'tcp:localhost' lacks a port (tcp:HOST:PORT)",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "tcp:localhost")).getMessage());
            assertEquals("-serial: port 99999 out of range",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "tcp::99999,server=on")).getMessage());
            assertEquals("-serial: bad port in 'tcp::http'",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "tcp::http")).getMessage());
            assertEquals("-serial: server=maybe is not on/off",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "tcp::1,server=maybe")).getMessage());
            assertEquals("-serial: unknown socket option(s) [frobnicate]",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "tcp::1,frobnicate=on")).getMessage());
            assertEquals("-serial: 'unix:' is not tcp:HOST:PORT or unix:PATH",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parse("-serial", "unix:")).getMessage());
        }

        @Test
        void theMonitorTakesOnlySockets() {
            assertEquals("-qmp: 'stdio' is not tcp:HOST:PORT or unix:PATH",
                    assertThrows(MachineConfigException.class, () -> CharDevSpec.parseSocket("-qmp", "stdio")).getMessage());
        }
    }

    @Nested
    class Spelling {
        @ParameterizedTest
        @ValueSource(strings = {"null", "stdio", "vc", "file:/var/log/com1.log", "tcp:127.0.0.1:4444",
                "tcp:127.0.0.1:4444,server=on", "tcp:[::1]:0,server=on,wait=off,telnet=on", "unix:/run/s,server=on,wait=off"})
        void theCanonicalSpellingReadsBackToTheSameRecord(String text) {
            CharDevSpec spec = CharDevSpec.parse("-serial", text);
            assertEquals(text, spec.toString());
            assertEquals(spec, CharDevSpec.parse("-serial", spec.toString()));
        }

        @Test
        void olderSpellingsComeOutCanonical() {
            assertEquals("null", CharDevSpec.parse("-serial", "none").toString());
            assertEquals("tcp:127.0.0.1:4444,server=on,wait=off,telnet=on",
                    CharDevSpec.parse("-serial", "tcp::4444,server,nowait,telnet").toString());
        }
    }
}
