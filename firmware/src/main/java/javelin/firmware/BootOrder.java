package javelin.firmware;

/**
 * Where SeaBIOS on QEMU reads {@code -boot order=}: CMOS bytes 0x3D (first device in bits
 * 3:0, second in 7:4) and 0x38 (third device in bits 7:4; bit 0 set skips the floppy boot
 * signature check), with device codes 1 floppy, 2 hard disk, 3 CD-ROM, 4 network (SeaBIOS
 * {@code src/boot.c} boot_init; QEMU {@code hw/i386/pc.c} set_boot_dev).
 */
final class BootOrder {
    static final int CMOS_BOOT_FLAG1 = 0x38;
    static final int CMOS_BOOT_FLAG2 = 0x3D;
    static final int FLAG1_SKIP_FLOPPY_CHECK = 0x01;
    static final int DEVICE_FLOPPY = 1;
    static final int DEVICE_HARD_DISK = 2;
    static final int DEVICE_CDROM = 3;
    static final int DEVICE_NETWORK = 4;

    private BootOrder() { }

    /** The device code of a {@code -boot order} letter, or -1. */
    static int deviceCode(char letter) {
        return switch (letter) {
            case 'a', 'b' -> DEVICE_FLOPPY;
            case 'c' -> DEVICE_HARD_DISK;
            case 'd' -> DEVICE_CDROM;
            case 'n', 'o', 'p' -> DEVICE_NETWORK;
            default -> -1;
        };
    }

    /** Byte 0x3D: the first two devices. */
    static int flag2(String order) {
        return code(order, 0) | code(order, 1) << 4;
    }

    /** Byte 0x38: the third device, with the floppy signature check kept (QEMU's default). */
    static int flag1(String order) {
        return code(order, 2) << 4;
    }

    private static int code(String order, int i) {
        return i < order.length() ? deviceCode(order.charAt(i)) : 0;
    }
}
