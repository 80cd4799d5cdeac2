package javelin.ui.fx.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Saved machines in the user's configuration directory ({@code $XDG_CONFIG_HOME/javelin}, by
 * default {@code ~/.config/javelin}): one {@code machines/NAME.json} per {@link MachineProfile},
 * and {@code recent.json}, the names of the machines last started, most recent first.
 *
 * <p>Files are written to a temporary file and moved into place, so a crash never leaves half a
 * profile. A file that does not parse is never overwritten: loading it names the file and the
 * fault; saving over it is refused; a broken {@code recent.json} is kept as
 * {@code recent.json.bad} and a new list started.
 *
 * <p>Threading: not thread-safe; the JavaFX thread and the start-up code use it one at a time.
 */
public final class MachineProfileStore {
    static final String RECENT_FILE = "recent.json";
    static final int RECENT_LIMIT = 10;

    private final Path root;
    private final Path machines;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A store under {@code root} (the {@code javelin} configuration directory). */
    public MachineProfileStore(Path root) {
        this.root = root;
        this.machines = root.resolve("machines");
    }

    /** The store in the user's configuration directory (XDG Base Directory specification). */
    public static MachineProfileStore inUserConfig() {
        return new MachineProfileStore(userConfigRoot(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** {@code $XDG_CONFIG_HOME/javelin} if that is set to an absolute path, else {@code HOME/.config/javelin}. */
    static Path userConfigRoot(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return base.resolve("javelin");
    }

    Path fileOf(String name) {
        return machines.resolve(name + ".json");
    }

    /** Saves {@code profile} as {@code machines/NAME.json}, replacing a valid earlier version. */
    public void save(MachineProfile profile) {
        if (!MachineProfile.validName(profile.name())) {
            throw new MachineProfileException("'" + profile.name() + "' cannot name a machine");
        }
        Path file = fileOf(profile.name());
        if (Files.exists(file)) {
            try {
                read(file, MachineProfile.class);
            } catch (MachineProfileException unreadable) {
                throw new MachineProfileException(unreadable.getMessage()
                        + "; not overwritten: fix or move it, or choose another name", unreadable);
            }
        }
        write(file, profile);
    }

    /** The profile called {@code name}. */
    public MachineProfile load(String name) {
        Path file = fileOf(name);
        if (!Files.exists(file)) throw new MachineProfileException("no saved machine '" + name + "' (" + file + ")");
        MachineProfile p = read(file, MachineProfile.class);
        if (!p.name().equals(name)) {
            throw new MachineProfileException(file + ": names the machine '" + p.name() + "', not '" + name + "'");
        }
        return p;
    }

    /** The names of all saved machines, sorted. */
    public List<String> list() {
        if (!Files.isDirectory(machines)) return List.of();
        try (Stream<Path> files = Files.list(machines)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .filter(MachineProfile::validName)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new MachineProfileException(machines + ": cannot list saved machines: " + e.getMessage(), e);
        }
    }

    /** The machines started last, most recent first, at most {@value #RECENT_LIMIT}, only those still saved. */
    public List<String> recent() {
        return readRecent().stream().filter(n -> MachineProfile.validName(n) && Files.exists(fileOf(n))).toList();
    }

    /** Puts {@code name} first in the recent list (once), keeping at most {@value #RECENT_LIMIT}. */
    public void markRecent(String name) {
        List<String> old;
        try {
            old = readRecent();
        } catch (MachineProfileException broken) {
            keepAside(root.resolve(RECENT_FILE));
            old = List.of();
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        names.add(name);
        names.addAll(old);
        write(root.resolve(RECENT_FILE), new ArrayList<>(names).subList(0, Math.min(RECENT_LIMIT, names.size())));
    }

    private List<String> readRecent() {
        Path file = root.resolve(RECENT_FILE);
        if (!Files.exists(file)) return List.of();
        List<String> names = read(file, new TypeReference<List<String>>() { });
        if (names.contains(null)) throw new MachineProfileException(file + ": not a list of machine names");
        return names;
    }

    private void keepAside(Path file) {
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".bad"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new MachineProfileException(file + ": unreadable, and cannot be moved aside: " + e.getMessage(), e);
        }
    }

    private <T> T read(Path file, Class<T> type) {
        try {
            return json.readValue(file.toFile(), type);
        } catch (JacksonException e) {
            if (e.getCause() instanceof MachineProfileException refused) {     // from the record's checks
                throw new MachineProfileException(file + ": " + refused.getMessage(), e);
            }
            throw new MachineProfileException(file + ": not a valid machine file (" + firstLine(e) + ")", e);
        } catch (IOException e) {
            throw new MachineProfileException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private <T> T read(Path file, TypeReference<T> type) {
        try {
            return json.readValue(file.toFile(), type);
        } catch (JacksonException e) {
            throw new MachineProfileException(file + ": not a valid machine list (" + firstLine(e) + ")", e);
        } catch (IOException e) {
            throw new MachineProfileException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Jackson's message without its source excerpt, with the line and column. */
    private static String firstLine(JacksonException e) {
        String msg = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
        var where = e.getLocation();
        return where == null ? msg : "line " + where.getLineNr() + ", column " + where.getColumnNr() + ": " + msg;
    }

    private void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            try {
                json.writeValue(tmp.toFile(), value);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (NoSuchFileException e) {
            throw new MachineProfileException(file + ": cannot be written: no such directory " + e.getFile(), e);
        } catch (IOException e) {
            throw new MachineProfileException(file + ": cannot be written: " + e.getMessage(), e);
        }
    }
}
