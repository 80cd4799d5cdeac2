package javelin.app;

import java.util.ArrayList;
import java.util.List;
import javelin.machine.MachineConfigException;
import javelin.ui.fx.config.MachineProfile;
import javelin.ui.fx.config.MachineProfileException;
import javelin.ui.fx.config.MachineProfileStore;

/**
 * {@code -machine-profile NAME}: starts a machine saved by Machine > New machine. The option is
 * replaced by the profile's own options ({@link MachineProfile#toArguments()}) before the command
 * line is parsed, so everything else on the line ({@code -display javafx}, {@code -serial},
 * {@code -vnc}) still applies; the profile becomes the most recent machine.
 */
final class ProfileOption {
    static final String NAME = "-machine-profile";

    private ProfileOption() { }

    /** {@code args} with each {@code -machine-profile NAME} replaced; a one-line error for a bad profile. */
    static String[] expand(String[] args, MachineProfileStore store) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].equals(NAME)) {
                out.add(args[i]);
                continue;
            }
            if (i + 1 == args.length) throw new MachineConfigException(NAME + ": needs a machine name (saved ones: " + names(store) + ")");
            String name = args[++i];
            try {
                MachineProfile profile = store.load(name);
                List<String> problems = profile.problems();
                if (!problems.isEmpty()) {
                    throw new MachineConfigException(NAME + " " + name + ": " + String.join("; ", problems));
                }
                out.addAll(profile.toArguments());
                store.markRecent(name);
            } catch (MachineProfileException e) {
                throw new MachineConfigException(NAME + ": " + e.getMessage(), e);
            }
        }
        return out.toArray(String[]::new);
    }

    private static String names(MachineProfileStore store) {
        try {
            List<String> names = store.list();
            return names.isEmpty() ? "none" : String.join(", ", names);
        } catch (MachineProfileException e) {
            return "unknown: " + e.getMessage();
        }
    }
}
