package javelin.machine;

import java.nio.file.Path;

/**
 * One IDE drive as {@code -hda}/{@code -cdrom}/{@code -drive} describe it. {@code index} is
 * QEMU's IDE numbering: 0 primary master, 1 primary slave, 2 secondary master, 3 secondary slave.
 * {@code file} may be null for an empty CD-ROM drive.
 */
public record DriveSpec(int index, Media media, Path file, boolean readOnly) {
    public enum Media { DISK, CDROM }

    public DriveSpec {
        if (index < 0 || index > 3) throw new MachineConfigException("-drive: IDE index must be 0..3, not " + index);
        if (media == Media.DISK && file == null) throw new MachineConfigException("-drive: a disk needs file=");
    }

    public int channel() {
        return index / 2;
    }

    public int position() {
        return index % 2;
    }

    /** QEMU's device name: {@code ide0-hd0}, {@code ide1-cd0}, ... */
    public String deviceName() {
        return "ide" + channel() + (media == Media.CDROM ? "-cd" : "-hd") + position();
    }
}
