package javelin.softmmu.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Reads a component's state record from its JSON tree, upgrading trees saved by older versions
 * on the way ({@link StateUpgrader}).
 *
 * <p>The tree's {@code version} field decides: the current version binds directly; an older one
 * runs the component's upgraders from that version up to the current one, then binds; a newer
 * one, a missing or non-integer one, or a gap in the upgrader chain is refused with a
 * {@link SnapshotFormatException} naming the component (a snapshot from a newer build is never
 * read as if it were ours, as QEMU refuses a {@code version_id} above its own). Binding errors
 * (a wrong type, an unknown field when the mapper refuses those) are refused the same way, and
 * the record's own validation in its compact constructor comes through unchanged.
 */
public final class StateJson {
    static final String VERSION_FIELD = "version";

    private StateJson() { }

    /**
     * Binds {@code tree} as {@code type}, first upgrading it from its saved version to
     * {@code currentVersion} with {@code upgradesByFromVersion} (the upgrader that reads version N
     * under key N). {@code component} is the board's id for the component ({@code "i8042"}),
     * used in error messages. The caller's tree is not changed.
     *
     * @throws SnapshotFormatException if the tree is not an object, its version is missing,
     *         not an integer, below 1 or newer than {@code currentVersion}, an upgrader step is
     *         missing or fails, or the upgraded tree does not bind
     */
    public static <S extends Record> S read(ObjectMapper json, JsonNode tree, Class<S> type, int currentVersion,
                                            Map<Integer, StateUpgrader> upgradesByFromVersion, String component) {
        if (!(tree instanceof ObjectNode saved)) {
            throw new SnapshotFormatException(component, VERSION_FIELD, "state is not a JSON object");
        }
        int version = versionOf(saved, component);
        if (version > currentVersion) {
            throw new SnapshotFormatException(component, VERSION_FIELD,
                    "version " + version + " is newer than this build reads (" + currentVersion + ")");
        }
        ObjectNode state = saved;
        if (version < currentVersion) {
            state = saved.deepCopy();
            for (int from = version; from < currentVersion; from++) upgradeOneStep(state, from, upgradesByFromVersion, component);
        }
        try {
            return json.treeToValue(state, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SnapshotFormatException refused) throw refused;   // the record's own validation
            }
            String problem = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
            throw new SnapshotFormatException(component, "state", "does not bind as version " + currentVersion + ": " + problem, e);
        }
    }

    /** The tree's {@code version}: an integer of at least 1. */
    static int versionOf(ObjectNode state, String component) {
        JsonNode v = state.get(VERSION_FIELD);
        if (v == null || v.isNull()) throw new SnapshotFormatException(component, VERSION_FIELD, "missing");
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new SnapshotFormatException(component, VERSION_FIELD, "not an integer: " + v);
        }
        if (v.intValue() < 1) throw new SnapshotFormatException(component, VERSION_FIELD, "must be at least 1, was " + v.intValue());
        return v.intValue();
    }

    private static void upgradeOneStep(ObjectNode state, int from, Map<Integer, StateUpgrader> upgrades, String component) {
        StateUpgrader step = upgrades.get(from);
        if (step == null) {
            throw new SnapshotFormatException(component, VERSION_FIELD,
                    "version " + from + " cannot be read: no upgrader from version " + from + " to " + (from + 1));
        }
        try {
            step.upgrade(state);
        } catch (SnapshotFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SnapshotFormatException(component, VERSION_FIELD,
                    "upgrade from version " + from + " to " + (from + 1) + " failed: " + e, e);
        }
        JsonNode after = state.get(VERSION_FIELD);
        if (after == null || !after.isIntegralNumber() || after.intValue() != from + 1) {
            throw new IllegalStateException(component + ": the upgrader from version " + from + " left version " + after
                    + " (an upgrader sets version " + (from + 1) + ")");
        }
    }
}
