package javelin.ui.fx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The disk images the next no-argument start ({@code javelin} alone) uses instead of the
 * reference CD, chosen in Media > "Disk images for the next start…" and kept in a small JSON
 * file, {@code $XDG_CONFIG_HOME/javelin/next-start.json} (else {@code ~/.config/javelin/}):
 *
 * <pre>{"version": 1, "hda": "/path/disk.img", "hdb": null, "cdrom": "/path/cd.iso"}</pre>
 *
 * A command line with options never reads it. Paths are stored absolute; null means no drive.
 */
public record NextStartMedia(Path hda, Path hdb, Path cdrom) {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public NextStartMedia {
        hda = absolute(hda);
        hdb = absolute(hdb);
        cdrom = absolute(cdrom);
    }

    private static Path absolute(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    public boolean isEmpty() {
        return hda == null && hdb == null && cdrom == null;
    }

    /** The file, from the environment ({@code XDG_CONFIG_HOME}, {@code HOME}) as the caller gives it. */
    public static Path file(Map<String, String> env) {
        String config = env.getOrDefault("XDG_CONFIG_HOME", "");
        Path base = config.isEmpty() ? Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config") : Path.of(config);
        return base.resolve("javelin").resolve("next-start.json");
    }

    /** The stored choice; empty when the file does not exist. A damaged file is an error naming it. */
    public static Optional<NextStartMedia> load(Path file) {
        if (!Files.exists(file)) return Optional.empty();
        try {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": not a JSON object");
            if (n.path("version").asInt(-1) != VERSION) {
                throw new IllegalArgumentException(file + ": version " + n.path("version") + " (expected " + VERSION + ")");
            }
            return Optional.of(new NextStartMedia(path(n, "hda"), path(n, "hdb"), path(n, "cdrom")));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Path path(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? Path.of(v.asText()) : null;
    }

    /** Stores the choice, or removes the file when nothing is chosen (back to the reference CD). */
    public void save(Path file) throws IOException {
        if (isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("version", VERSION);
        n.put("hda", hda == null ? null : hda.toString());
        n.put("hdb", hdb == null ? null : hdb.toString());
        n.put("cdrom", cdrom == null ? null : cdrom.toString());
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Why these images cannot be used, one line each: a missing or unreadable file. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        check(out, "hda", hda);
        check(out, "hdb", hdb);
        check(out, "CD-ROM", cdrom);
        return out;
    }

    private static void check(List<String> out, String what, Path p) {
        if (p == null) return;
        if (!Files.exists(p)) out.add(what + " " + p + ": no such file");
        else if (!Files.isRegularFile(p) || !Files.isReadable(p)) out.add(what + " " + p + ": not a readable file");
    }

    /** The command-line options that attach these images, as QEMU spells them. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>();
        if (hda != null) args.addAll(List.of("-hda", hda.toString()));
        if (hdb != null) args.addAll(List.of("-hdb", hdb.toString()));
        if (cdrom != null) args.addAll(List.of("-cdrom", cdrom.toString()));
        return args;
    }
}
