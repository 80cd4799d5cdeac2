package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VncAuthTest {
    private static final byte[] CHALLENGE = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");

    @Test
    void responseIsDesUnderTheBitReversedPassword() {
        assertArrayEquals(HexFormat.of().parseHex(RfbSessionTest.PASSWORD_RESPONSE), VncAuth.response("password", CHALLENGE));
    }

    @Test
    void onlyTheFirstEightCharactersCount() {
        assertTrue(VncAuth.verify("passwordXYZ", CHALLENGE, VncAuth.response("password", CHALLENGE)));
        assertFalse(VncAuth.verify("passwore", CHALLENGE, VncAuth.response("password", CHALLENGE)));
    }
}
