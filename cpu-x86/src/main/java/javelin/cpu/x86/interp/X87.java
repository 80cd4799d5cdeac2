package javelin.cpu.x86.interp;

/**
 * What the integer core needs to know about x87 escapes (D8-DF) while no FPU is modelled: the
 * size of each memory operand (SDM vol. 2, tables, "ESC instruction opcode map"),
 * so the segment check of the operand matches a CPU that has one.
 */
final class X87 {
    private X87() { }

    /** Bytes accessed by the memory form of escape {@code opcode} (D8-DF) with ModRM.reg {@code reg}. */
    static int memoryOperandSize(int opcode, int reg) {
        return switch (opcode) {
            case 0xD8, 0xDA -> 4;                                          // m32real, m32int
            case 0xD9 -> switch (reg) {
                case 4, 6 -> 14;                                           // FLDENV/FSTENV (16-bit layout)
                case 5, 7 -> 2;                                            // FLDCW/FSTCW
                default -> 4;                                              // m32real
            };
            case 0xDB -> reg == 5 || reg == 7 ? 10 : 4;                    // m80real or m32int
            case 0xDC -> 8;                                                // m64real
            case 0xDD -> switch (reg) {
                case 4, 6 -> 94;                                           // FRSTOR/FSAVE (16-bit layout)
                case 7 -> 2;                                               // FSTSW
                default -> 8;                                              // m64real
            };
            case 0xDE -> 2;                                                // m16int
            default -> switch (reg) {                                      // DF
                case 4, 6 -> 10;                                           // FBLD/FBSTP m80bcd
                case 5, 7 -> 8;                                            // FILD/FISTP m64int
                default -> 2;                                              // m16int
            };
        };
    }
}
