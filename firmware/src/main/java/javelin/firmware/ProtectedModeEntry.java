package javelin.firmware;

/**
 * The CPU state a loader hands over in 32-bit protected mode, for the board to set before the
 * first instruction: CR0.PE = 1, paging off, IF = 0, A20 on; the GDT at {@code gdtBase} (limit
 * {@code gdtLimit}) holds a flat 4 GiB code descriptor ({@code codeSelector}: base 0, limit
 * 0xFFFFF with G = 1, type execute/read, D = 1, DPL 0) and a flat data descriptor
 * ({@code dataSelector}: read/write, B = 1); CS is loaded with the code selector and DS, ES, FS,
 * GS and SS with the data selector, their hidden parts matching those descriptors. Every
 * general register not named here is zero, as are EFLAGS bits other than bit 1.
 *
 * @param eip entry point
 * @param eax EAX (the Multiboot magic; 0 for Linux)
 * @param ebx EBX (the Multiboot information address; 0 for Linux)
 * @param esi ESI (the Linux zero page; 0 for Multiboot)
 */
public record ProtectedModeEntry(long eip, long eax, long ebx, long esi,
                                 int codeSelector, int dataSelector, long gdtBase, int gdtLimit) {
    /** Selectors of the flat GDT the loaders write: Linux's __BOOT_CS and __BOOT_DS. */
    public static final int CODE_SELECTOR = 0x10;
    public static final int DATA_SELECTOR = 0x18;
    /** Four 8-byte descriptors: null, unused, code (0x10), data (0x18). */
    static final int GDT_SIZE = 32;
    /** Flat 4 GiB, present, DPL 0, 32-bit, 4 KiB granularity: code execute/read, data read/write. */
    static final long FLAT_CODE_DESCRIPTOR = 0x00CF_9B00_0000_FFFFL;
    static final long FLAT_DATA_DESCRIPTOR = 0x00CF_9300_0000_FFFFL;

    /** The GDT bytes for {@link #CODE_SELECTOR} and {@link #DATA_SELECTOR}. */
    static byte[] flatGdt() {
        byte[] gdt = new byte[GDT_SIZE];
        LittleEndian.put64(gdt, CODE_SELECTOR, FLAT_CODE_DESCRIPTOR);
        LittleEndian.put64(gdt, DATA_SELECTOR, FLAT_DATA_DESCRIPTOR);
        return gdt;
    }
}
