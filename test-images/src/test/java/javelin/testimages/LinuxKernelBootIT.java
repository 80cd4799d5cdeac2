package javelin.testimages;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code -kernel bzImage -initrd -append} through SeaBIOS, the way QEMU boots it: fw_cfg carries
 * the setup, kernel, initrd and command line, and our linuxboot option ROM loads them and jumps
 * to the kernel's real-mode setup.
 */
class LinuxKernelBootIT {
    @Test
    void kernelAndInitrdBootThroughSeabiosToAShell() throws Exception {
        var kernel = ReferenceImages.image("vmlinuz-686");
        String initrd = ReferenceImages.image("initrd.img").toString();
        var config = LinuxGuest.config(List.of(), false, kernel, initrd, "console=ttyS0,115200", false);
        LinuxGuest.bootAndAsk(config, LinuxGuest.kernelRelease(), "echo $((6*7))", "42");
    }
}
