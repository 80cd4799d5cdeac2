package javelin.testimages;

import java.util.List;
import javelin.machine.DriveSpec;
import org.junit.jupiter.api.Test;

/** The reference hard-disk image (MBR, FAT16, syslinux) boots through SeaBIOS to the shell. */
class LinuxDiskBootIT {
    @Test
    void hardDiskImageBootsThroughSeabiosAndSyslinuxToAShell() throws Exception {
        var disk = ReferenceImages.image("javelin-hd.img");
        // -snapshot: the reference image is never written.
        var config = LinuxGuest.config(List.of(new DriveSpec(0, DriveSpec.Media.DISK, disk, false)), true, null, null, null, false);
        LinuxGuest.bootAndAsk(config, LinuxGuest.kernelRelease(), "echo $((6*7))", "42");
    }
}
