package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * noVNC in headless Chromium (Debian's) connects to the WebSocket listener and renders the guest
 * screen; the page posts the canvas back as PNG, which must equal the framebuffer pixel for pixel
 * (noVNC draws unscaled). Two noVNC releases, both loaded as the ES module {@code core/rfb.js}:
 * the one issue 8 names, npm's {@code @novnc/novnc} 1.7.0 (it asks for ZRLE before Hextile), which
 * the test installs on first use with {@code npm install --prefix} into the cache
 * ({@code $JAVELIN_CACHE} or {@code ~/.cache/javelin}, under {@code npm/novnc-1.7.0}; no browser
 * is downloaded), and Debian's {@code novnc} 1.3.0 (it picks Hextile).
 *
 * <p>A small JDK HTTP server serves the page and noVNC's files and receives the result; the page
 * polls its canvas until every pixel is drawn (the test screen has no black), so nothing sleeps.
 */
class NoVncBrowserTest {
    private static final Path DEBIAN_NOVNC = Path.of("/usr/share/novnc");
    private static final String NPM_NOVNC = "@novnc/novnc@1.7.0";
    private static final long TIMEOUT_SECONDS = 90;
    /** A first install downloads one small package; a backstop for a slow network. */
    private static final long NPM_TIMEOUT_SECONDS = 300;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(160, 96);
    private HttpServer http;
    private Process browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            // Chromium's helper processes (zygote, renderer, crashpad) outlive the main one and
            // keep writing into the profile; end them all before JUnit deletes the @TempDir.
            List<ProcessHandle> family = new java.util.ArrayList<>(browser.descendants().toList());
            browser.destroy();
            if (!browser.waitFor(10, TimeUnit.SECONDS)) browser.destroyForcibly().waitFor();
            for (ProcessHandle p : family) p.destroy();
            for (ProcessHandle p : family) {
                try {
                    p.onExit().get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    p.destroyForcibly();
                }
            }
        }
        if (http != null) http.stop(0);
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private static String page(int wsPort) {
        return """
            <!doctype html><html><body style="margin:0"><div id="screen"></div>
            <script type="module">
            import RFB from '/novnc/core/rfb.js';
            const post = (path, body) => fetch(path, {method: 'POST', body});
            window.addEventListener('error', e => post('/log', 'error: ' + e.message));
            const rfb = new RFB(document.getElementById('screen'), 'ws://127.0.0.1:%d/websockify');
            rfb.addEventListener('disconnect', e => post('/log', 'disconnected ' + JSON.stringify(e.detail)));
            function poll() {
              const c = document.querySelector('#screen canvas');
              if (c && c.width === %d && c.height === %d) {
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let drawn = true;
                for (let i = 0; i < d.length; i += 4) {
                  if (d[i] === 0 && d[i + 1] === 0 && d[i + 2] === 0) { drawn = false; break; }
                }
                if (drawn) { post('/result', c.toDataURL('image/png')); return; }
              }
              setTimeout(poll, 50);
            }
            poll();
            </script></body></html>
            """.formatted(wsPort, 160, 96);
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) ex.getResponseBody().write(body);
        ex.close();
    }

    @Test
    void npmNoVnc17InHeadlessChromiumRendersTheScreen(@TempDir Path profile) throws Exception {
        Path novnc = npmNoVnc();
        assertTrue(Files.readString(novnc.resolve("package.json")).contains("\"version\": \"1.7.0\""), "noVNC 1.7.0");
        rendersTheScreen(novnc, profile);
    }

    @Test
    void debianNoVnc13InHeadlessChromiumRendersTheScreen(@TempDir Path profile) throws Exception {
        assertTrue(Files.isRegularFile(DEBIAN_NOVNC.resolve("core/rfb.js")), "Debian package novnc is installed (scripts/test)");
        rendersTheScreen(DEBIAN_NOVNC, profile);
    }

    /** {@code @novnc/novnc} 1.7.0 from npm in the cache, installed there first if missing. */
    private static synchronized Path npmNoVnc() throws IOException, InterruptedException {
        String env = System.getenv("JAVELIN_CACHE");
        Path cache = env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "javelin");
        Path prefix = cache.resolve("npm").resolve("novnc-1.7.0");
        Path novnc = prefix.resolve("node_modules/@novnc/novnc");
        if (!Files.isRegularFile(novnc.resolve("core/rfb.js"))) {
            Files.createDirectories(prefix);
            Path log = prefix.resolve("npm-install.log");
            Process npm = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                    "--ignore-scripts", "--no-package-lock", "--no-save", NPM_NOVNC)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!npm.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) npm.destroyForcibly();
            assertTrue(Files.isRegularFile(novnc.resolve("core/rfb.js")),
                    () -> "npm install " + NPM_NOVNC + " into " + prefix + " failed; see " + log);
        }
        return novnc;
    }

    private void rendersTheScreen(Path novnc, Path profile) throws Exception {
        machine.paint((x, y) -> 0x101010 | (x * 1597 & 0xFF) << 16 | (y * 2 + 40) << 8 | (x / 16 * 37 & 0xFF));
        VncServer vnc = new VncServer(machine, group, VncOptions.loopback(0).withWebsocket(0), new SecureRandom()).start();
        CompletableFuture<String> result = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            if (path.equals("/result")) {
                result.complete(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.US_ASCII));
                reply(ex, 204, "text/plain", new byte[0]);
            } else if (path.equals("/log")) {
                synchronized (log) {
                    log.append(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).append('\n');
                }
                reply(ex, 204, "text/plain", new byte[0]);
            } else if (path.startsWith("/novnc/") && !path.contains("..")) {
                Path f = novnc.resolve(path.substring("/novnc/".length()));
                if (Files.isRegularFile(f)) {
                    reply(ex, 200, path.endsWith(".js") ? "text/javascript" : "application/octet-stream", Files.readAllBytes(f));
                } else {
                    reply(ex, 404, "text/plain", new byte[0]);
                }
            } else {
                reply(ex, 200, "text/html", page(vnc.websocketPort()).getBytes(StandardCharsets.UTF_8));
            }
        });
        http.start();
        try (vnc) {
            // STACK.md's flags for a quiet headless Chromium that never fetches anything of its own.
            browser = new ProcessBuilder(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile,
                    "http://127.0.0.1:" + http.getAddress().getPort() + "/"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String dataUrl;
            try {
                dataUrl = result.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("noVNC rendered nothing within " + TIMEOUT_SECONDS + " s; page log:\n" + log, e);
            }
            String prefix = "data:image/png;base64,";
            assertTrue(dataUrl.startsWith(prefix));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(dataUrl.substring(prefix.length()))));
            assertEquals(160, img.getWidth());
            assertEquals(96, img.getHeight());
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 160; x++) {
                    assertEquals(machine.framebuffer().pixel(x, y) & 0xFFFFFF, img.getRGB(x, y) & 0xFFFFFF, "pixel " + x + "," + y);
                }
            }
        }
    }
}
