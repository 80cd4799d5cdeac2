package javelin.cpu.x86.jit;

import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.HotForm;

/**
 * Which instructions of a block produce arithmetic flags that nothing observes: a backward
 * pass over the block with the six flags as one value. The flags are live at the end of the
 * block (its successor may read them) and before every instruction that reads them or may
 * raise a guest exception (the exception handler sees EFLAGS, and a fault must leave them as
 * the interpreter would). Every instruction the translator does not write out itself (the
 * generic dispatch) counts as reading them.
 */
final class FlagLiveness {
    private FlagLiveness() { }

    /** {@code dead[k]}: instruction k's flags are overwritten before any read or fault. */
    static boolean[] deadFlags(DecodedInsn[] insns) {
        boolean[] dead = new boolean[insns.length];
        boolean live = true;                               // after the last instruction
        for (int k = insns.length - 1; k >= 0; k--) {
            DecodedInsn d = insns[k];
            switch (d.form) {
                case HotForm.ADD_R32_R32, HotForm.OR_R32_R32, HotForm.AND_R32_R32, HotForm.SUB_R32_R32,
                     HotForm.XOR_R32_R32, HotForm.CMP_R32_R32, HotForm.TEST_R32_R32,
                     HotForm.ADD_R32_IMM, HotForm.OR_R32_IMM, HotForm.AND_R32_IMM, HotForm.SUB_R32_IMM,
                     HotForm.XOR_R32_IMM, HotForm.CMP_R32_IMM, HotForm.TEST_R32_IMM -> {
                    dead[k] = !live;
                    live = false;                          // writes all six, reads none
                }
                case HotForm.SHL_R32_IMM, HotForm.SHR_R32_IMM, HotForm.SAR_R32_IMM -> {
                    if ((d.num1 & 0x1F) != 0) {            // a zero count changes no flag
                        dead[k] = !live;
                        live = false;
                    }
                }
                case HotForm.ADC_R32_R32, HotForm.SBB_R32_R32, HotForm.ADC_R32_IMM, HotForm.SBB_R32_IMM,
                     HotForm.INC_R32, HotForm.DEC_R32 -> {
                    dead[k] = !live;                       // read CF (INC/DEC keep it)
                    live = true;
                }
                case HotForm.MOV_R32_R32, HotForm.MOV_R32_IMM, HotForm.LEA_R32 -> { }
                default -> live = true;                    // reads flags, may fault, or is not ours
            }
        }
        return dead;
    }
}
