package javelin.cpu.x86.decode;

import static javelin.cpu.x86.decode.Mnemonic.*;
import static javelin.cpu.x86.decode.OpSpec.ESCAPE_0F;
import static javelin.cpu.x86.decode.OpSpec.escMem;
import static javelin.cpu.x86.decode.OpSpec.escModrm;
import static javelin.cpu.x86.decode.OpSpec.escReg;
import static javelin.cpu.x86.decode.OpSpec.grp;
import static javelin.cpu.x86.decode.OpSpec.op;
import static javelin.cpu.x86.decode.Operand.*;

import java.util.ArrayList;
import java.util.List;

/**
 * The one description of the i686 encodings (SDM vol. 2, appendix A, tables,
 * and the x87 escape maps, tables ). Data only: the decoder, interpreter, disassembler and any later translator read
 * it; no second opcode list exists. Prefix bytes (26 2E 36 3E 64 65 66 67 F0 F2 F3) and the
 * 0F escape are handled by the decoder and have no row. Encodings without a row raise #UD.
 */
public final class OpTable {
    // EFLAGS bits, for the undefined-flag masks (SDM vol. 1, appendix A, table A-2).
    private static final int CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

    private OpTable() { }

    private static final Mnemonic[] ALU = {ADD, OR, ADC, SBB, AND, SUB, XOR, CMP};
    private static final Mnemonic[] SHIFTS = {ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR};

    /** Every row. Group rows carry ModRM.reg in {@link OpSpec#group()}. */
    public static final List<OpSpec> ROWS = build();

    private static List<OpSpec> build() {
        List<OpSpec> t = new ArrayList<>();
        // 00-3F: the eight ALU operations in six forms each, plus segment push/pop and BCD.
        for (int i = 0; i < 8; i++) {
            Mnemonic m = ALU[i];
            int b = i << 3;
            int undef = (m == AND || m == OR || m == XOR) ? AF : 0;
            boolean lock = m != CMP;
            OpSpec r0 = op(b, m, Eb, Gb).undef(undef);
            OpSpec r1 = op(b + 1, m, Ev, Gv).undef(undef);
            t.add(lock ? r0.lock() : r0);
            t.add(lock ? r1.lock() : r1);
            t.add(op(b + 2, m, Gb, Eb).undef(undef));
            t.add(op(b + 3, m, Gv, Ev).undef(undef));
            t.add(op(b + 4, m, AL, Ib).undef(undef));
            t.add(op(b + 5, m, eAX, Iz).undef(undef));
        }
        t.add(op(0x06, PUSH, ES));
        t.add(op(0x07, POP, ES));
        t.add(op(0x0E, PUSH, CS));
        t.add(op(0x16, PUSH, SS));
        t.add(op(0x17, POP, SS).tbFlags());
        t.add(op(0x1E, PUSH, DS));
        t.add(op(0x1F, POP, DS));
        t.add(op(0x27, DAA).undef(OF));
        t.add(op(0x2F, DAS).undef(OF));
        t.add(op(0x37, AAA).undef(OF | SF | ZF | PF));
        t.add(op(0x3F, AAS).undef(OF | SF | ZF | PF));
        for (int r = 0; r < 8; r++) {
            t.add(op(0x40 + r, INC, Zv));
            t.add(op(0x48 + r, DEC, Zv));
            t.add(op(0x50 + r, PUSH, Zv));
            t.add(op(0x58 + r, POP, Zv));
        }
        t.add(op(0x60, PUSHA));
        t.add(op(0x61, POPA));
        t.add(op(0x62, BOUND, Gv, Ma));
        t.add(op(0x63, ARPL, Ew, Gw));
        t.add(op(0x68, PUSH, Iz));
        t.add(op(0x69, IMUL, Gv, Ev, Iz).undef(SF | ZF | AF | PF));
        t.add(op(0x6A, PUSH, Ibs));
        t.add(op(0x6B, IMUL, Gv, Ev, Ibs).undef(SF | ZF | AF | PF));
        t.add(op(0x6C, INS, Yb, DX));
        t.add(op(0x6D, INS, Yv, DX));
        t.add(op(0x6E, OUTS, DX, Xb));
        t.add(op(0x6F, OUTS, DX, Xv));
        for (int cc = 0; cc < 16; cc++) t.add(op(0x70 + cc, JCC, Jb).ends());
        for (int r = 0; r < 8; r++) {
            Mnemonic m = ALU[r];
            int undef = (m == AND || m == OR || m == XOR) ? AF : 0;
            boolean lock = m != CMP;
            OpSpec[] forms = {grp(0x80, r, m, Eb, Ib), grp(0x81, r, m, Ev, Iz), grp(0x82, r, m, Eb, Ib),
                    grp(0x83, r, m, Ev, Ibs)};
            for (OpSpec f : forms) t.add(lock ? f.undef(undef).lock() : f.undef(undef));
        }
        t.add(op(0x84, TEST, Eb, Gb).undef(AF));
        t.add(op(0x85, TEST, Ev, Gv).undef(AF));
        t.add(op(0x86, XCHG, Eb, Gb).lock());
        t.add(op(0x87, XCHG, Ev, Gv).lock());
        t.add(op(0x88, MOV, Eb, Gb));
        t.add(op(0x89, MOV, Ev, Gv));
        t.add(op(0x8A, MOV, Gb, Eb));
        t.add(op(0x8B, MOV, Gv, Ev));
        t.add(op(0x8C, MOV_SREG, Ev, Sw));
        t.add(op(0x8D, LEA, Gv, M));
        t.add(op(0x8E, MOV_SREG, Sw, Ew).tbFlags());
        t.add(grp(0x8F, 0, POP, Ev));
        t.add(op(0x90, NOP));
        for (int r = 1; r < 8; r++) t.add(op(0x90 + r, XCHG, Zv, eAX));
        t.add(op(0x98, CBW));
        t.add(op(0x99, CWD));
        t.add(op(0x9A, CALLF, Ap).tbFlags());
        t.add(op(0x9B, WAIT));
        t.add(op(0x9C, PUSHF));
        t.add(op(0x9D, POPF).tbFlags());
        t.add(op(0x9E, SAHF));
        t.add(op(0x9F, LAHF));
        t.add(op(0xA0, MOV, AL, Ob));
        t.add(op(0xA1, MOV, eAX, Ov));
        t.add(op(0xA2, MOV, Ob, AL));
        t.add(op(0xA3, MOV, Ov, eAX));
        t.add(op(0xA4, MOVS, Yb, Xb));
        t.add(op(0xA5, MOVS, Yv, Xv));
        t.add(op(0xA6, CMPS, Xb, Yb));
        t.add(op(0xA7, CMPS, Xv, Yv));
        t.add(op(0xA8, TEST, AL, Ib).undef(AF));
        t.add(op(0xA9, TEST, eAX, Iz).undef(AF));
        t.add(op(0xAA, STOS, Yb, AL));
        t.add(op(0xAB, STOS, Yv, eAX));
        t.add(op(0xAC, LODS, AL, Xb));
        t.add(op(0xAD, LODS, eAX, Xv));
        t.add(op(0xAE, SCAS, AL, Yb));
        t.add(op(0xAF, SCAS, eAX, Yv));
        for (int r = 0; r < 8; r++) {
            t.add(op(0xB0 + r, MOV, Zb, Ib));
            t.add(op(0xB8 + r, MOV, Zv, Iz));
        }
        for (int r = 0; r < 8; r++) {
            Mnemonic m = SHIFTS[r];
            t.add(grp(0xC0, r, m, Eb, Ib));
            t.add(grp(0xC1, r, m, Ev, Ib));
            t.add(grp(0xD0, r, m, Eb, ONE));
            t.add(grp(0xD1, r, m, Ev, ONE));
            t.add(grp(0xD2, r, m, Eb, CL));
            t.add(grp(0xD3, r, m, Ev, CL));
        }
        t.add(op(0xC2, RET, Iw).ends());
        t.add(op(0xC3, RET).ends());
        t.add(op(0xC4, LES, Gv, Mp));
        t.add(op(0xC5, LDS, Gv, Mp));
        t.add(grp(0xC6, 0, MOV, Eb, Ib));
        t.add(grp(0xC7, 0, MOV, Ev, Iz));
        t.add(op(0xC8, ENTER, Iw, Ib));
        t.add(op(0xC9, LEAVE));
        t.add(op(0xCA, RETF, Iw).tbFlags());
        t.add(op(0xCB, RETF).tbFlags());
        t.add(op(0xCC, INT3).tbFlags());
        t.add(op(0xCD, INT, Ib).tbFlags());
        t.add(op(0xCE, INTO).tbFlags());
        t.add(op(0xCF, IRET).tbFlags());
        t.add(op(0xD4, AAM, Ib).undef(OF | AF | CF));
        t.add(op(0xD5, AAD, Ib).undef(OF | AF | CF));
        t.add(op(0xD6, SALC));
        t.add(op(0xD7, XLAT));
        x87(t);
        t.add(op(0xE0, LOOPNE, Jb).ends());
        t.add(op(0xE1, LOOPE, Jb).ends());
        t.add(op(0xE2, LOOP, Jb).ends());
        t.add(op(0xE3, JCXZ, Jb).ends());
        t.add(op(0xE4, IN, AL, Ib));
        t.add(op(0xE5, IN, eAX, Ib));
        t.add(op(0xE6, OUT, Ib, AL));
        t.add(op(0xE7, OUT, Ib, eAX));
        t.add(op(0xE8, CALL, Jz).ends());
        t.add(op(0xE9, JMP, Jz).ends());
        t.add(op(0xEA, JMPF, Ap).tbFlags());
        t.add(op(0xEB, JMP, Jb).ends());
        t.add(op(0xEC, IN, AL, DX));
        t.add(op(0xED, IN, eAX, DX));
        t.add(op(0xEE, OUT, DX, AL));
        t.add(op(0xEF, OUT, DX, eAX));
        t.add(op(0xF1, INT1).tbFlags());
        t.add(op(0xF4, HLT).priv().ends());
        t.add(op(0xF5, CMC));
        t.add(grp(0xF6, 0, TEST, Eb, Ib).undef(AF));
        t.add(grp(0xF6, 1, TEST, Eb, Ib).undef(AF));
        t.add(grp(0xF6, 2, NOT, Eb).lock());
        t.add(grp(0xF6, 3, NEG, Eb).lock());
        t.add(grp(0xF6, 4, MUL, Eb).undef(SF | ZF | AF | PF));
        t.add(grp(0xF6, 5, IMUL, Eb).undef(SF | ZF | AF | PF));
        t.add(grp(0xF6, 6, DIV, Eb).undef(OF | SF | ZF | AF | PF | CF));
        t.add(grp(0xF6, 7, IDIV, Eb).undef(OF | SF | ZF | AF | PF | CF));
        t.add(grp(0xF7, 0, TEST, Ev, Iz).undef(AF));
        t.add(grp(0xF7, 1, TEST, Ev, Iz).undef(AF));
        t.add(grp(0xF7, 2, NOT, Ev).lock());
        t.add(grp(0xF7, 3, NEG, Ev).lock());
        t.add(grp(0xF7, 4, MUL, Ev).undef(SF | ZF | AF | PF));
        t.add(grp(0xF7, 5, IMUL, Ev).undef(SF | ZF | AF | PF));
        t.add(grp(0xF7, 6, DIV, Ev).undef(OF | SF | ZF | AF | PF | CF));
        t.add(grp(0xF7, 7, IDIV, Ev).undef(OF | SF | ZF | AF | PF | CF));
        t.add(op(0xF8, CLC));
        t.add(op(0xF9, STC));
        t.add(op(0xFA, CLI).tbFlags());
        t.add(op(0xFB, STI).tbFlags());
        t.add(op(0xFC, CLD));
        t.add(op(0xFD, STD));
        t.add(grp(0xFE, 0, INC, Eb).lock());
        t.add(grp(0xFE, 1, DEC, Eb).lock());
        t.add(grp(0xFF, 0, INC, Ev).lock());
        t.add(grp(0xFF, 1, DEC, Ev).lock());
        t.add(grp(0xFF, 2, CALL, Ev).ends());
        t.add(grp(0xFF, 3, CALLF, Mp).tbFlags());
        t.add(grp(0xFF, 4, JMP, Ev).ends());
        t.add(grp(0xFF, 5, JMPF, Mp).tbFlags());
        t.add(grp(0xFF, 6, PUSH, Ev));

        // Two-byte map, 0F xx (SDM vol. 2, table A-3).
        int x = ESCAPE_0F;
        t.add(grp(x | 0x00, 0, SLDT, Ew));
        t.add(grp(x | 0x00, 1, STR, Ew));
        t.add(grp(x | 0x00, 2, LLDT, Ew).priv().tbFlags());
        t.add(grp(x | 0x00, 3, LTR, Ew).priv().tbFlags());
        t.add(grp(x | 0x00, 4, VERR, Ew));
        t.add(grp(x | 0x00, 5, VERW, Ew));
        t.add(grp(x | 0x01, 0, SGDT, Ms));
        t.add(grp(x | 0x01, 1, SIDT, Ms));
        t.add(grp(x | 0x01, 2, LGDT, Ms).priv().tbFlags());
        t.add(grp(x | 0x01, 3, LIDT, Ms).priv().tbFlags());
        t.add(grp(x | 0x01, 4, SMSW, Ew));
        t.add(grp(x | 0x01, 6, LMSW, Ew).priv().tbFlags());
        t.add(grp(x | 0x01, 7, INVLPG, M).priv().tbFlags());
        t.add(op(x | 0x02, LAR, Gv, Ew));
        t.add(op(x | 0x03, LSL, Gv, Ew));
        t.add(op(x | 0x06, CLTS).priv().tbFlags());
        t.add(op(x | 0x08, INVD).priv());
        t.add(op(x | 0x09, WBINVD).priv());
        t.add(op(x | 0x0B, UD2).ends());
        // 0F 19-1F: "hint NOP" with a ModRM operand that is not accessed (Pentium Pro and later;
        // SDM vol. 2, NOP: 0F 1F /0 is the recommended multi-byte NOP).
        for (int o = 0x19; o <= 0x1F; o++) t.add(op(x | o, NOP, Ev));
        t.add(op(x | 0x20, MOV_CR, Rd, Cd).priv());
        t.add(op(x | 0x21, MOV_DR, Rd, Dd).priv());
        t.add(op(x | 0x22, MOV_CR, Cd, Rd).priv().tbFlags());
        t.add(op(x | 0x23, MOV_DR, Dd, Rd).priv().tbFlags());
        t.add(op(x | 0x24, MOV_TR, Rd, Td).priv());
        t.add(op(x | 0x26, MOV_TR, Td, Rd).priv());
        t.add(op(x | 0x30, WRMSR).priv().tbFlags());
        t.add(op(x | 0x31, RDTSC));
        t.add(op(x | 0x32, RDMSR).priv());
        t.add(op(x | 0x33, RDPMC));
        t.add(op(x | 0x34, SYSENTER).tbFlags());
        t.add(op(x | 0x35, SYSEXIT).priv().tbFlags());
        for (int cc = 0; cc < 16; cc++) {
            t.add(op(x | 0x40 + cc, CMOVCC, Gv, Ev));
            t.add(op(x | 0x80 + cc, JCC, Jz).ends());
            t.add(op(x | 0x90 + cc, SETCC, Eb));
        }
        t.add(op(x | 0xA0, PUSH, FS));
        t.add(op(x | 0xA1, POP, FS));
        t.add(op(x | 0xA2, CPUID));
        t.add(op(x | 0xA3, BT, Ev, Gv).undef(OF | SF | AF | PF));
        t.add(op(x | 0xA4, SHLD, Ev, Gv, Ib).undef(AF));
        t.add(op(x | 0xA5, SHLD, Ev, Gv, CL).undef(AF));
        t.add(op(x | 0xA8, PUSH, GS));
        t.add(op(x | 0xA9, POP, GS));
        t.add(op(x | 0xAA, RSM).tbFlags());
        t.add(op(x | 0xAB, BTS, Ev, Gv).lock().undef(OF | SF | AF | PF));
        t.add(op(x | 0xAC, SHRD, Ev, Gv, Ib).undef(AF));
        t.add(op(x | 0xAD, SHRD, Ev, Gv, CL).undef(AF));
        t.add(grp(x | 0xAE, 0, FXSAVE, M));
        t.add(grp(x | 0xAE, 1, FXRSTOR, M));
        t.add(grp(x | 0xAE, 5, LFENCE, Ev));
        t.add(grp(x | 0xAE, 6, MFENCE, Ev));
        t.add(grp(x | 0xAE, 7, SFENCE, Ev));
        t.add(op(x | 0xAF, IMUL, Gv, Ev).undef(SF | ZF | AF | PF));
        t.add(op(x | 0xB0, CMPXCHG, Eb, Gb).lock());
        t.add(op(x | 0xB1, CMPXCHG, Ev, Gv).lock());
        t.add(op(x | 0xB2, LSS, Gv, Mp).tbFlags());
        t.add(op(x | 0xB3, BTR, Ev, Gv).lock().undef(OF | SF | AF | PF));
        t.add(op(x | 0xB4, LFS, Gv, Mp));
        t.add(op(x | 0xB5, LGS, Gv, Mp));
        t.add(op(x | 0xB6, MOVZX, Gv, Eb));
        t.add(op(x | 0xB7, MOVZX, Gv, Ew));
        t.add(grp(x | 0xBA, 4, BT, Ev, Ib).undef(OF | SF | AF | PF));
        t.add(grp(x | 0xBA, 5, BTS, Ev, Ib).lock().undef(OF | SF | AF | PF));
        t.add(grp(x | 0xBA, 6, BTR, Ev, Ib).lock().undef(OF | SF | AF | PF));
        t.add(grp(x | 0xBA, 7, BTC, Ev, Ib).lock().undef(OF | SF | AF | PF));
        t.add(op(x | 0xBB, BTC, Ev, Gv).lock().undef(OF | SF | AF | PF));
        t.add(op(x | 0xBC, BSF, Gv, Ev).undef(CF | OF | SF | AF | PF));
        t.add(op(x | 0xBD, BSR, Gv, Ev).undef(CF | OF | SF | AF | PF));
        t.add(op(x | 0xBE, MOVSX, Gv, Eb));
        t.add(op(x | 0xBF, MOVSX, Gv, Ew));
        t.add(op(x | 0xC0, XADD, Eb, Gb).lock());
        t.add(op(x | 0xC1, XADD, Ev, Gv).lock());
        t.add(grp(x | 0xC7, 1, CMPXCHG8B, Mq).lock());
        for (int r = 0; r < 8; r++) t.add(op(x | 0xC8 + r, BSWAP, Zd));
        t.add(op(x | 0xFF, UD));
        return List.copyOf(t);
    }

    /**
     * The x87 escapes D8-DF, in the order of SDM vol. 2, tables A-7 to A-22 (memory forms by
     * ModRM.reg, then register forms), with the operands of the instruction reference pages.
     * An escape encoding without a row is reserved: the decoder gives it {@link Mnemonic#ESC},
     * which raises #UD after the escape's #NM check. The undocumented forms a P6 decodes are
     * rows too (FFREEP, FNENI/FNDISI/FNSETPM, and the aliases FCOM2 ... FSTP9), so they run as
     * on the host CPU; FISTTP (SSE3) is a reserved row.
     */
    private static void x87(List<OpSpec> t) {
        // D8: single-real arithmetic, ST(0) op ST(i).
        t.add(escMem(0xD8, 0, FADD, M32fp));
        t.add(escMem(0xD8, 1, FMUL, M32fp));
        t.add(escMem(0xD8, 2, FCOM, M32fp));
        t.add(escMem(0xD8, 3, FCOMP, M32fp));
        t.add(escMem(0xD8, 4, FSUB, M32fp));
        t.add(escMem(0xD8, 5, FSUBR, M32fp));
        t.add(escMem(0xD8, 6, FDIV, M32fp));
        t.add(escMem(0xD8, 7, FDIVR, M32fp));
        t.add(escReg(0xD8, 0, FADD, ST0, STi));
        t.add(escReg(0xD8, 1, FMUL, ST0, STi));
        t.add(escReg(0xD8, 2, FCOM, STi));
        t.add(escReg(0xD8, 3, FCOMP, STi));
        t.add(escReg(0xD8, 4, FSUB, ST0, STi));
        t.add(escReg(0xD8, 5, FSUBR, ST0, STi));
        t.add(escReg(0xD8, 6, FDIV, ST0, STi));
        t.add(escReg(0xD8, 7, FDIVR, ST0, STi));

        // D9: single-real load/store, environment and control word; stack and constant operations.
        t.add(escMem(0xD9, 0, FLD, M32fp));
        t.add(escMem(0xD9, 2, FST, M32fp));
        t.add(escMem(0xD9, 3, FSTP, M32fp));
        t.add(escMem(0xD9, 4, FLDENV, M14_28byte).keepsPointers());
        t.add(escMem(0xD9, 5, FLDCW, M2byte).keepsPointers());
        t.add(escMem(0xD9, 6, FNSTENV, M14_28byte).noWait());
        t.add(escMem(0xD9, 7, FNSTCW, M2byte).noWait());
        t.add(escReg(0xD9, 0, FLD, STi));
        t.add(escReg(0xD9, 1, FXCH, STi));
        t.add(escModrm(0xD9, 0xD0, FNOP));
        t.add(escReg(0xD9, 3, FSTP1, STi));
        t.add(escModrm(0xD9, 0xE0, FCHS));
        t.add(escModrm(0xD9, 0xE1, FABS));
        t.add(escModrm(0xD9, 0xE4, FTST));
        t.add(escModrm(0xD9, 0xE5, FXAM));
        t.add(escModrm(0xD9, 0xE8, FLD1));
        t.add(escModrm(0xD9, 0xE9, FLDL2T));
        t.add(escModrm(0xD9, 0xEA, FLDL2E));
        t.add(escModrm(0xD9, 0xEB, FLDPI));
        t.add(escModrm(0xD9, 0xEC, FLDLG2));
        t.add(escModrm(0xD9, 0xED, FLDLN2));
        t.add(escModrm(0xD9, 0xEE, FLDZ));
        t.add(escModrm(0xD9, 0xF0, F2XM1));
        t.add(escModrm(0xD9, 0xF1, FYL2X));
        t.add(escModrm(0xD9, 0xF2, FPTAN));
        t.add(escModrm(0xD9, 0xF3, FPATAN));
        t.add(escModrm(0xD9, 0xF4, FXTRACT));
        t.add(escModrm(0xD9, 0xF5, FPREM1));
        t.add(escModrm(0xD9, 0xF6, FDECSTP));
        t.add(escModrm(0xD9, 0xF7, FINCSTP));
        t.add(escModrm(0xD9, 0xF8, FPREM));
        t.add(escModrm(0xD9, 0xF9, FYL2XP1));
        t.add(escModrm(0xD9, 0xFA, FSQRT));
        t.add(escModrm(0xD9, 0xFB, FSINCOS));
        t.add(escModrm(0xD9, 0xFC, FRNDINT));
        t.add(escModrm(0xD9, 0xFD, FSCALE));
        t.add(escModrm(0xD9, 0xFE, FSIN));
        t.add(escModrm(0xD9, 0xFF, FCOS));

        // DA: 32-bit integer arithmetic; FCMOVcc on CF, ZF, CF|ZF, PF; FUCOMPP.
        t.add(escMem(0xDA, 0, FIADD, M32int));
        t.add(escMem(0xDA, 1, FIMUL, M32int));
        t.add(escMem(0xDA, 2, FICOM, M32int));
        t.add(escMem(0xDA, 3, FICOMP, M32int));
        t.add(escMem(0xDA, 4, FISUB, M32int));
        t.add(escMem(0xDA, 5, FISUBR, M32int));
        t.add(escMem(0xDA, 6, FIDIV, M32int));
        t.add(escMem(0xDA, 7, FIDIVR, M32int));
        t.add(escReg(0xDA, 0, FCMOVB, ST0, STi));
        t.add(escReg(0xDA, 1, FCMOVE, ST0, STi));
        t.add(escReg(0xDA, 2, FCMOVBE, ST0, STi));
        t.add(escReg(0xDA, 3, FCMOVU, ST0, STi));
        t.add(escModrm(0xDA, 0xE9, FUCOMPP));

        // DB: 32-bit integer and extended-real load/store; FCMOVNcc, FNCLEX, FNINIT, FUCOMI, FCOMI.
        t.add(escMem(0xDB, 0, FILD, M32int));
        t.add(escMem(0xDB, 1, FISTTP, M32int).reserve());
        t.add(escMem(0xDB, 2, FIST, M32int));
        t.add(escMem(0xDB, 3, FISTP, M32int));
        t.add(escMem(0xDB, 5, FLD, M80fp));
        t.add(escMem(0xDB, 7, FSTP, M80fp));
        t.add(escReg(0xDB, 0, FCMOVNB, ST0, STi));
        t.add(escReg(0xDB, 1, FCMOVNE, ST0, STi));
        t.add(escReg(0xDB, 2, FCMOVNBE, ST0, STi));
        t.add(escReg(0xDB, 3, FCMOVNU, ST0, STi));
        t.add(escModrm(0xDB, 0xE0, FNENI).noWait());
        t.add(escModrm(0xDB, 0xE1, FNDISI).noWait());
        t.add(escModrm(0xDB, 0xE2, FNCLEX).noWait());
        t.add(escModrm(0xDB, 0xE3, FNINIT).noWait());
        t.add(escModrm(0xDB, 0xE4, FNSETPM).noWait());
        t.add(escReg(0xDB, 5, FUCOMI, ST0, STi));
        t.add(escReg(0xDB, 6, FCOMI, ST0, STi));

        // DC: double-real arithmetic, ST(i) op ST(0) (note FSUB/FSUBR and FDIV/FDIVR swap places).
        t.add(escMem(0xDC, 0, FADD, M64fp));
        t.add(escMem(0xDC, 1, FMUL, M64fp));
        t.add(escMem(0xDC, 2, FCOM, M64fp));
        t.add(escMem(0xDC, 3, FCOMP, M64fp));
        t.add(escMem(0xDC, 4, FSUB, M64fp));
        t.add(escMem(0xDC, 5, FSUBR, M64fp));
        t.add(escMem(0xDC, 6, FDIV, M64fp));
        t.add(escMem(0xDC, 7, FDIVR, M64fp));
        t.add(escReg(0xDC, 0, FADD, STi, ST0));
        t.add(escReg(0xDC, 1, FMUL, STi, ST0));
        t.add(escReg(0xDC, 2, FCOM2, STi));
        t.add(escReg(0xDC, 3, FCOMP3, STi));
        t.add(escReg(0xDC, 4, FSUBR, STi, ST0));
        t.add(escReg(0xDC, 5, FSUB, STi, ST0));
        t.add(escReg(0xDC, 6, FDIVR, STi, ST0));
        t.add(escReg(0xDC, 7, FDIV, STi, ST0));

        // DD: double-real load/store, FRSTOR/FNSAVE, FNSTSW; FFREE, FST(P) ST(i), FUCOM(P).
        t.add(escMem(0xDD, 0, FLD, M64fp));
        t.add(escMem(0xDD, 1, FISTTP, M64int).reserve());
        t.add(escMem(0xDD, 2, FST, M64fp));
        t.add(escMem(0xDD, 3, FSTP, M64fp));
        t.add(escMem(0xDD, 4, FRSTOR, M94_108byte).keepsPointers());
        t.add(escMem(0xDD, 6, FNSAVE, M94_108byte).noWait());
        t.add(escMem(0xDD, 7, FNSTSW, M2byte).noWait());
        t.add(escReg(0xDD, 0, FFREE, STi));
        t.add(escReg(0xDD, 1, FXCH4, STi));
        t.add(escReg(0xDD, 2, FST, STi));
        t.add(escReg(0xDD, 3, FSTP, STi));
        t.add(escReg(0xDD, 4, FUCOM, STi));
        t.add(escReg(0xDD, 5, FUCOMP, STi));

        // DE: 16-bit integer arithmetic; the popping forms, ST(i) op ST(0) then pop; FCOMPP.
        t.add(escMem(0xDE, 0, FIADD, M16int));
        t.add(escMem(0xDE, 1, FIMUL, M16int));
        t.add(escMem(0xDE, 2, FICOM, M16int));
        t.add(escMem(0xDE, 3, FICOMP, M16int));
        t.add(escMem(0xDE, 4, FISUB, M16int));
        t.add(escMem(0xDE, 5, FISUBR, M16int));
        t.add(escMem(0xDE, 6, FIDIV, M16int));
        t.add(escMem(0xDE, 7, FIDIVR, M16int));
        t.add(escReg(0xDE, 0, FADDP, STi, ST0));
        t.add(escReg(0xDE, 1, FMULP, STi, ST0));
        t.add(escReg(0xDE, 2, FCOMP5, STi));
        t.add(escModrm(0xDE, 0xD9, FCOMPP));
        t.add(escReg(0xDE, 4, FSUBRP, STi, ST0));
        t.add(escReg(0xDE, 5, FSUBP, STi, ST0));
        t.add(escReg(0xDE, 6, FDIVRP, STi, ST0));
        t.add(escReg(0xDE, 7, FDIVP, STi, ST0));

        // DF: 16- and 64-bit integer and packed-BCD load/store; FNSTSW AX, FUCOMIP, FCOMIP.
        t.add(escMem(0xDF, 0, FILD, M16int));
        t.add(escMem(0xDF, 1, FISTTP, M16int).reserve());
        t.add(escMem(0xDF, 2, FIST, M16int));
        t.add(escMem(0xDF, 3, FISTP, M16int));
        t.add(escMem(0xDF, 4, FBLD, M80bcd));
        t.add(escMem(0xDF, 5, FILD, M64int));
        t.add(escMem(0xDF, 6, FBSTP, M80bcd));
        t.add(escMem(0xDF, 7, FISTP, M64int));
        t.add(escReg(0xDF, 0, FFREEP, STi));
        t.add(escReg(0xDF, 1, FXCH7, STi));
        t.add(escReg(0xDF, 2, FSTP8, STi));
        t.add(escReg(0xDF, 3, FSTP9, STi));
        t.add(escModrm(0xDF, 0xE0, FNSTSW, AX).noWait());
        t.add(escReg(0xDF, 5, FUCOMIP, ST0, STi));
        t.add(escReg(0xDF, 6, FCOMIP, ST0, STi));
    }
}
