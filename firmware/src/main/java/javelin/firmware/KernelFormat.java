package javelin.firmware;

/**
 * What a {@code -kernel} file is, decided as QEMU decides it (hw/i386/x86.c x86_load_linux): an
 * image with a Linux setup header ("HdrS" at 0x202) is Linux even if it also carries a
 * Multiboot header; otherwise a valid Multiboot header in the first 8 KiB makes it Multiboot.
 */
public enum KernelFormat {
    LINUX_BZIMAGE,
    MULTIBOOT;

    /** The format of {@code image}; throws {@link KernelImageException} if it is neither. */
    public static KernelFormat of(byte[] image) {
        if (LinuxBootLoader.hasSetupHeader(image)) return LINUX_BZIMAGE;
        if (MultibootLoader.findHeader(image) != null) return MULTIBOOT;
        throw new KernelImageException("neither a Linux bzImage (no \"HdrS\" setup header at 0x202) "
                + "nor a Multiboot kernel (no 0x1BADB002 header in the first 8 KiB)");
    }
}
