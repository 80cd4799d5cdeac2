package javelin.cpu.x86.decode;

/**
 * Instruction mnemonics, one per semantic operation (SDM vol. 2 names). Operand-size variants
 * share a mnemonic (CBW is also CWDE; MOVS covers MOVSB/MOVSW/MOVSD): the decoded operand size
 * picks the variant, and the disassembler prints the SDM name for it.
 */
public enum Mnemonic {
    // Arithmetic and logic, in the ModRM.reg order of group 1 (SDM vol. 2, table A-6).
    ADD, OR, ADC, SBB, AND, SUB, XOR, CMP,
    // Shift group 2, in ModRM.reg order (/6 is the undocumented SHL alias SAL).
    ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR,
    INC, DEC, NEG, NOT, TEST, MUL, IMUL, DIV, IDIV,
    DAA, DAS, AAA, AAS, AAM, AAD, SALC,
    MOV, MOVZX, MOVSX, LEA, XCHG, XADD, CMPXCHG, CMPXCHG8B, BSWAP, CBW, CWD, XLAT, CMOVCC, SETCC,
    PUSH, POP, PUSHA, POPA, PUSHF, POPF, SAHF, LAHF, ENTER, LEAVE,
    MOV_SREG, LDS, LES, LSS, LFS, LGS,
    JMP, JMPF, CALL, CALLF, RET, RETF, JCC, JCXZ, LOOP, LOOPE, LOOPNE,
    INT, INT3, INTO, INT1, IRET, BOUND,
    MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, IN, OUT,
    CLC, STC, CMC, CLD, STD, CLI, STI, HLT, NOP, WAIT,
    BT, BTS, BTR, BTC, BSF, BSR, SHLD, SHRD,
    ARPL, LAR, LSL, SLDT, STR, LLDT, LTR, VERR, VERW, SGDT, SIDT, LGDT, LIDT, SMSW, LMSW, INVLPG, CLTS,
    MOV_CR, MOV_DR, MOV_TR, INVD, WBINVD, WRMSR, RDTSC, RDMSR, RDPMC, SYSENTER, SYSEXIT, CPUID, UD2, RSM,
    // x87 (escape opcodes D8-DF; SDM vol. 2, chapter 3 and appendix A.4). Loads, stores, exchange:
    FLD, FST, FSTP, FILD, FIST, FISTP, FBLD, FBSTP, FXCH,
    /** SSE3 (DB /1, DD /1, DF /1 with memory): a row for the disassembler, but #UD on this CPU. */
    FISTTP,
    // Arithmetic: the real form with ST(0) or ST(i) as destination, the popping form, the integer form.
    FADD, FADDP, FIADD, FMUL, FMULP, FIMUL, FSUB, FSUBP, FISUB, FSUBR, FSUBRP, FISUBR,
    FDIV, FDIVP, FIDIV, FDIVR, FDIVRP, FIDIVR,
    FCOM, FCOMP, FCOMPP, FICOM, FICOMP, FUCOM, FUCOMP, FUCOMPP, FCOMI, FCOMIP, FUCOMI, FUCOMIP, FTST, FXAM,
    FCMOVB, FCMOVE, FCMOVBE, FCMOVU, FCMOVNB, FCMOVNE, FCMOVNBE, FCMOVNU,
    FCHS, FABS, FSQRT, FRNDINT, FSCALE, FXTRACT, FPREM, FPREM1,
    F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS,
    FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ,
    FLDCW, FNSTCW, FNSTSW, FLDENV, FNSTENV, FRSTOR, FNSAVE, FNCLEX, FNINIT,
    FFREE, FDECSTP, FINCSTP, FNOP,
    /** DF C0+i: FFREE ST(i) and pop; undocumented, decoded by every P6. */
    FFREEP,
    /** DB E0, E1, E4: the 8087's interrupt enable/disable and the 287's protected-mode switch; no-ops since the 387. */
    FNENI, FNDISI, FNSETPM,
    /**
     * Undocumented register-form aliases a P6 decodes, named by their encoding as GNU objdump
     * names them: FCOM2 (DC D0+i) and FCOMP3 (DC D8+i), FCOMP5 (DE D0+i) are FCOM/FCOMP;
     * FXCH4 (DD C8+i) and FXCH7 (DF C8+i) are FXCH; FSTP8 (DF D0+i) and FSTP9 (DF D8+i) are
     * FSTP ST(i); FSTP1 (D9 D8+i) is FSTP ST(i) too, except on an empty ST(0), where the host
     * CPU pops without a stack fault.
     */
    FCOM2, FCOMP3, FCOMP5, FXCH4, FXCH7, FSTP1, FSTP8, FSTP9,
    /**
     * An x87 escape encoding (D8-DF) with no instruction on this CPU: like every escape it first
     * raises #NM under CR0.EM or CR0.TS, then #UD.
     */
    ESC,
    /** 0F AE /0 and /1: save and restore the x87 (and, without SSE, an empty XMM) state image. */
    FXSAVE, FXRSTOR,
    /**
     * 0F AE E8, F0, F8: the memory-ordering fences of SSE/SSE2. Decoded although CPUID reports
     * neither extension (their register forms have no other meaning on this CPU), so guests and
     * tests that use them get the ordering they ask for; the memory forms (XRSTOR, XSAVEOPT,
     * CLFLUSH) raise #UD.
     */
    LFENCE, MFENCE, SFENCE,
    /** An encoding with no instruction: raises #UD. */
    UD
}
