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
    /** x87 escape D8-DF: decoded further and run by javelin.cpu.x86.fpu.X87Executor. */
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
