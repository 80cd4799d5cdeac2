package javelin.ui.qmp;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import javelin.devices.display.Framebuffer;

/**
 * Writes a framebuffer capture as PNG (through {@code javax.imageio}) or binary PPM (P6, QEMU's
 * default screendump format). The file is written beside the target and renamed, so a reader
 * never sees half an image.
 */
final class ScreenDump {
    private static final int MAXVAL = 255;

    private ScreenDump() { }

    static void write(Framebuffer.Capture capture, Path file, boolean png) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".screendump", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                if (png) {
                    writePng(capture, out);
                } else {
                    writePpm(capture, out);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writePng(Framebuffer.Capture c, OutputStream out) throws IOException {
        BufferedImage img = new BufferedImage(c.width(), c.height(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, c.width(), c.height(), c.pixels(), 0, c.width());
        if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this JDK");
    }

    private static void writePpm(Framebuffer.Capture c, OutputStream out) throws IOException {
        out.write(("P6\n" + c.width() + " " + c.height() + "\n" + MAXVAL + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] row = new byte[c.width() * 3];
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                int p = c.pixels()[y * c.width() + x];
                row[3 * x] = (byte) (p >> 16);
                row[3 * x + 1] = (byte) (p >> 8);
                row[3 * x + 2] = (byte) p;
            }
            out.write(row);
        }
    }
}
