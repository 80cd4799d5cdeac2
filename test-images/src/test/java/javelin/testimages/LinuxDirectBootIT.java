package javelin.testimages;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PAE kernel boots with no BIOS at all: -bios none -kernel starts it at its 32-bit entry
 * with a prepared zero page (boot protocol 2.x), the fastest boot.
 */
class LinuxDirectBootIT {
    @Test
    void paeKernelBootsDirectlyWithoutBiosAndReportsItsRelease() throws Exception {
        var kernel = ReferenceImages.image("vmlinuz-686-pae");
        String initrd = ReferenceImages.image("initrd.img").toString();
        String release = LinuxGuest.kernelRelease() + "-pae";
        var config = LinuxGuest.config(List.of(), false, kernel, initrd, "console=ttyS0,115200 console=tty1", true);
        LinuxGuest.bootAndAsk(config, release, "uname -r", release);
    }
}
