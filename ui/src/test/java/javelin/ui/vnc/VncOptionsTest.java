package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The -vnc spellings of QEMU's documentation (qemu-options.hx, "-vnc display[,option[,option[,...]]]"). */
class VncOptionsTest {
    @Test
    void displayNumberIsPort5900PlusNOnLoopback() {
        VncOptions o = VncOptions.parse(":1");
        assertEquals("127.0.0.1", o.host());
        assertEquals(5901, o.port());
        assertFalse(o.password());
        assertEquals(-1, o.websocketPort());
    }

    @Test
    void namedHostWithPassword() {
        VncOptions o = VncOptions.parse("127.0.0.1:3,password=on");
        assertEquals(5903, o.port());
        assertTrue(o.password());
    }

    @Test
    void websocketOnIs5700PlusNOrAnExplicitPort() {
        assertEquals(5702, VncOptions.parse(":2,websocket=on").websocketPort());
        assertEquals(8080, VncOptions.parse(":2,websocket=8080").websocketPort());
        assertEquals("0.0.0.0", VncOptions.parse(":2,websocket=0.0.0.0:8080").websocketHost());
    }

    @Test
    void passwordSecretImpliesPassword() {
        VncOptions o = VncOptions.parse(":0,password-secret=vncpw");
        assertTrue(o.password());
        assertEquals("vncpw", o.passwordSecret());
    }

    @Test
    void badSpecsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VncOptions.parse("5900"));
        assertThrows(IllegalArgumentException.class, () -> VncOptions.parse(":70000"));
        assertThrows(IllegalArgumentException.class, () -> VncOptions.parse(":1,lossy=on"));
    }
}
