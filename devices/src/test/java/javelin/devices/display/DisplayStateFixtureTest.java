package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Version 1 of each display state record, frozen as hand-written JSON in
 * {@code src/test/resources/display/state/}: a format change that breaks old snapshots fails here.
 */
class DisplayStateFixtureTest {
    private final ObjectMapper json = new ObjectMapper();
    private VgaTestBoard b;

    @BeforeEach void setUp() {
        b = new VgaTestBoard();
    }

    @AfterEach void tearDown() {
        b.close();
    }

    private <T> T fixture(String name, Class<T> type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/display/state/" + name)) {
            assertNotNull(in, name);
            return json.readValue(in, type);
        }
    }

    @Test void vgaVersion1RestoresMode13hWithItsIndicesAndDacPosition() throws IOException {
        b.vga.restoreState(fixture("vga-v1.json", Vga.State.class));
        assertEquals(0x63, b.in(0x3CC));
        assertEquals(0x02, b.in(0x3C4));
        assertEquals(0x0F, b.in(0x3C5));              // map mask of mode 13h
        assertEquals(0x03, b.in(0x3C7));              // DAC in read mode
        assertEquals((0x10 * 11 + 7) & 63, b.in(0x3C9)); // entry 10h, green next
        assertEquals((0x10 * 3 + 21) & 63, b.in(0x3C9));
        b.renderer.render();
        assertEquals(320, b.framebuffer.width());
        assertEquals(200, b.framebuffer.height());
    }

    @Test void vbeVersion1RestoresAnEnabled800x600x32Mode() throws IOException {
        b.vbe.restoreState(fixture("vbe-v1.json", BochsVbe.State.class));
        assertEquals(800, b.dispi(BochsVbe.DISPI_XRES));
        assertEquals(32, b.dispi(BochsVbe.DISPI_BPP));
        b.renderer.render();
        assertEquals(800, b.framebuffer.width());
        assertEquals(600, b.framebuffer.height());
    }

    @Test void pciVersion1RestoresTheFramebufferMapping() throws IOException {
        b.pci.restoreState(fixture("vga-pci-v1.json", StdVgaPci.State.class));
        assertEquals(0xFD00_0000L, b.pci.framebufferAddress());
        assertEquals(11, b.pci.configRead(0x3C, 1));
        b.memory.writeByte(0xFD00_0010L, 0x5A);
        assertEquals(0x5A, b.vram.readLinear(0x10));
    }
}
