package javelin.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** QEMU's -boot syntax (qemu-options.hx, "-boot"). */
class BootOptionsTest {
    @Test
    void theLegacyFormIsAnOrder() {
        assertEquals("d", BootOptions.parse("d").order());
    }

    @Test
    void keysAreReadInAnyOrder() {
        var b = BootOptions.parse("menu=on,order=dc,splash-time=5000,reboot-timeout=3000");
        assertEquals(new BootOptions("dc", true, 5000, 3000, List.of()), b);
    }

    @Test
    void onceSetsTheOrderAndStrictIsAccepted() {
        assertEquals("n", BootOptions.parse("once=n,strict=on").order());
    }

    @Test
    void withoutAnOrderTheDefaultIsDiskCdNetwork() {
        assertEquals("cdn", BootOptions.parse("menu=off").order());
    }

    @Test
    void mistakesAreReportedWithTheOffendingPart() {
        var e = assertThrows(IllegalArgumentException.class, () -> BootOptions.parse("menu=yes"));
        assertTrue(e.getMessage().contains("yes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BootOptions.parse("order=c,bogus=1"));
        assertThrows(IllegalArgumentException.class, () -> BootOptions.parse("splash-time=soon"));
        assertThrows(IllegalArgumentException.class, () -> BootOptions.parse("order=z"));
    }
}
