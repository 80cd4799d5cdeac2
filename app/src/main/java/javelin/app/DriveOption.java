package javelin.app;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javelin.machine.DriveSpec;
import javelin.machine.DriveSpec.Media;
import javelin.machine.MachineConfigException;

/**
 * Parses QEMU's {@code -drive file=F,format=raw,if=ide,index=N,media=disk|cdrom,readonly=on}.
 * Only IDE drives with raw images exist; anything else is refused by name rather than ignored.
 */
final class DriveOption {
    private DriveOption() { }

    /** @param nextFreeIndex the index QEMU would pick when {@code index=} is absent */
    static DriveSpec parse(String spec, int nextFreeIndex) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new MachineConfigException("-drive " + spec + ": expected key=value, got '" + part + "'");
            props.put(part.substring(0, eq), part.substring(eq + 1));
        }
        String file = props.remove("file");
        String format = props.remove("format");
        if (format != null && !format.equals("raw")) {
            throw new MachineConfigException("-drive: format '" + format + "' is not supported (only raw)");
        }
        String iface = props.remove("if");
        if (iface != null && !iface.equals("ide")) {
            throw new MachineConfigException("-drive: interface '" + iface + "' is not supported (only ide)");
        }
        String mediaText = props.remove("media");
        Media media = mediaText == null || mediaText.equals("disk") ? Media.DISK
                : mediaText.equals("cdrom") ? Media.CDROM : null;
        if (media == null) throw new MachineConfigException("-drive: media must be disk or cdrom, not '" + mediaText + "'");
        String indexText = props.remove("index");
        int index;
        try {
            index = indexText == null ? nextFreeIndex : Integer.parseInt(indexText);
        } catch (NumberFormatException e) {
            throw new MachineConfigException("-drive: index '" + indexText + "' is not a number");
        }
        String ro = props.remove("readonly");
        boolean readOnly = ro != null && (ro.equals("on") || ro.equals("true") || ro.equals("yes"));
        if (ro != null && !readOnly && !ro.equals("off") && !ro.equals("false") && !ro.equals("no")) {
            throw new MachineConfigException("-drive: readonly must be on or off, not '" + ro + "'");
        }
        if (!props.isEmpty()) {
            throw new MachineConfigException("-drive: unknown property '" + props.keySet().iterator().next() + "'");
        }
        if (index < 0 || index > 3) throw new MachineConfigException("-drive: IDE index must be 0..3, not " + index);
        return new DriveSpec(index, media, file == null || file.isEmpty() ? null : Path.of(file), readOnly);
    }
}
