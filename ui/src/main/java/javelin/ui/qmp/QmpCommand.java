package javelin.ui.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The QMP commands Javelin implements, one record each with its arguments as QEMU's QAPI schema
 * names them ({@code qapi/*.json}). {@link #parse} checks arguments as QEMU does (missing,
 * unexpected, wrong type); {@link QmpSession} runs them with an exhaustive switch, so adding a
 * command here without running it breaks the build.
 */
sealed interface QmpCommand {
    record QmpCapabilities() implements QmpCommand { }
    record QueryStatus() implements QmpCommand { }
    record Stop() implements QmpCommand { }
    record Cont() implements QmpCommand { }
    record SystemReset() implements QmpCommand { }
    record SystemPowerdown() implements QmpCommand { }
    record Quit() implements QmpCommand { }
    record QueryCpusFast() implements QmpCommand { }
    record QueryCommands() implements QmpCommand { }
    record QueryVersion() implements QmpCommand { }
    /** {@code format} null means "by file name": {@code .png} gives PNG, anything else PPM (QEMU's default). */
    record Screendump(String filename, String format) implements QmpCommand { }
    record SendKey(List<JsonNode> keys, int holdTimeMs) implements QmpCommand { }
    record InputSendEvent(List<JsonNode> events) implements QmpCommand { }
    record QueryBlock() implements QmpCommand { }
    record Eject(String device) implements QmpCommand { }
    record BlockdevChangeMedium(String device, String filename) implements QmpCommand { }
    record HumanMonitorCommand(String commandLine) implements QmpCommand { }
    record QueryVnc() implements QmpCommand { }
    record ChangeVncPassword(String password) implements QmpCommand { }

    /** The names {@code query-commands} lists, in QEMU's spelling. */
    List<String> NAMES = List.of("qmp_capabilities", "query-status", "stop", "cont", "system_reset",
            "system_powerdown", "quit", "query-cpus-fast", "query-commands", "query-version", "screendump",
            "send-key", "input-send-event", "query-block", "eject", "blockdev-change-medium",
            "human-monitor-command", "query-vnc", "change-vnc-password");

    /** QEMU's default {@code hold-time} for {@code send-key}, in milliseconds. */
    int DEFAULT_HOLD_TIME_MS = 100;

    static QmpCommand parse(String name, ObjectNode args) {
        Args a = new Args(args);
        QmpCommand c = switch (name) {
            case "qmp_capabilities" -> {
                a.optional("enable");
                yield new QmpCapabilities();
            }
            case "query-status" -> new QueryStatus();
            case "stop" -> new Stop();
            case "cont" -> new Cont();
            case "system_reset" -> new SystemReset();
            case "system_powerdown" -> new SystemPowerdown();
            case "quit" -> new Quit();
            case "query-cpus-fast" -> new QueryCpusFast();
            case "query-commands" -> new QueryCommands();
            case "query-version" -> new QueryVersion();
            case "screendump" -> {
                a.optional("device");
                a.optional("head");
                yield new Screendump(a.string("filename"), a.optionalString("format"));
            }
            case "send-key" -> new SendKey(a.array("keys"), a.optionalInt("hold-time", DEFAULT_HOLD_TIME_MS));
            case "input-send-event" -> {
                a.optional("device");
                a.optional("head");
                yield new InputSendEvent(a.array("events"));
            }
            case "query-block" -> new QueryBlock();
            case "eject" -> {
                a.optional("force");
                String device = a.optionalString("device");
                String id = a.optionalString("id");
                if (device == null && id == null) throw QmpError.generic("Parameter 'device' is missing");
                yield new Eject(device != null ? device : id);
            }
            case "blockdev-change-medium" -> {
                a.optional("format");
                a.optional("read-only-mode");
                a.optional("force");
                String device = a.optionalString("device");
                String id = a.optionalString("id");
                if (device == null && id == null) throw QmpError.generic("Parameter 'device' is missing");
                yield new BlockdevChangeMedium(device != null ? device : id, a.string("filename"));
            }
            case "human-monitor-command" -> {
                a.optional("cpu-index");
                yield new HumanMonitorCommand(a.string("command-line"));
            }
            case "query-vnc" -> new QueryVnc();
            case "change-vnc-password" -> new ChangeVncPassword(a.string("password"));
            default -> throw new QmpError(QmpError.COMMAND_NOT_FOUND, "The command " + name + " has not been found");
        };
        a.rejectUnexpected();
        return c;
    }

    /** Argument access with QEMU's error texts; records which members were looked at. */
    final class Args {
        private final ObjectNode node;
        private final Set<String> seen = new java.util.HashSet<>();

        Args(ObjectNode node) {
            this.node = node;
        }

        void optional(String name) {
            seen.add(name);
        }

        String string(String name) {
            String s = optionalString(name);
            if (s == null) throw QmpError.generic("Parameter '" + name + "' is missing");
            return s;
        }

        String optionalString(String name) {
            seen.add(name);
            JsonNode v = node.get(name);
            if (v == null) return null;
            if (!v.isTextual()) throw QmpError.generic("Invalid parameter type for '" + name + "', expected: string");
            return v.asText();
        }

        int optionalInt(String name, int dflt) {
            seen.add(name);
            JsonNode v = node.get(name);
            if (v == null) return dflt;
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw QmpError.generic("Invalid parameter type for '" + name + "', expected: integer");
            }
            return v.intValue();
        }

        List<JsonNode> array(String name) {
            seen.add(name);
            JsonNode v = node.get(name);
            if (v == null) throw QmpError.generic("Parameter '" + name + "' is missing");
            if (!v.isArray()) throw QmpError.generic("Invalid parameter type for '" + name + "', expected: array");
            List<JsonNode> out = new ArrayList<>();
            v.forEach(out::add);
            return List.copyOf(out);
        }

        void rejectUnexpected() {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!seen.contains(f)) throw QmpError.generic("Parameter '" + f + "' is unexpected");
            }
        }
    }
}
