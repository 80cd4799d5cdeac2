package javelin.app;

import java.util.LinkedHashMap;
import java.util.Map;
import javelin.machine.MachineConfig.DebugExitPorts;
import javelin.machine.MachineConfigException;

/** Parses {@code -device DRIVER,key=value,...} for the devices Javelin offers on the command line. */
final class DeviceOption {
    private DeviceOption() { }

    /** Returns the isa-debug-exit range for an {@code isa-debug-exit} device, else throws. */
    static DebugExitPorts parse(String spec) {
        String[] parts = spec.split(",");
        String driver = parts[0];
        Map<String, String> props = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq <= 0) throw new MachineConfigException("-device " + spec + ": expected key=value, got '" + parts[i] + "'");
            props.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        if (!driver.equals("isa-debug-exit")) {
            throw new MachineConfigException("-device: unknown device '" + driver + "' (supported: isa-debug-exit)");
        }
        // QEMU's defaults for isa-debug-exit: iobase=0x501, iosize=2.
        int iobase = parseInt(props.remove("iobase"), 0x501, spec);
        int iosize = parseInt(props.remove("iosize"), 2, spec);
        if (!props.isEmpty()) {
            throw new MachineConfigException("-device " + spec + ": unknown property '" + props.keySet().iterator().next() + "'");
        }
        return new DebugExitPorts(iobase, iosize);
    }

    private static int parseInt(String value, int dflt, String spec) {
        if (value == null) return dflt;
        try {
            return value.startsWith("0x") || value.startsWith("0X") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new MachineConfigException("-device " + spec + ": '" + value + "' is not a number");
        }
    }
}
