package javelin.cpu.x86.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The rows of {@link OpTable} against the SDM's own lists. */
class OpTableTest {
    private final Decoder decoder = new Decoder();

    /**
     * The x87 escapes as the SDM lists them (vol. 2, chapter 3, the "Opcode" and "Instruction"
     * columns of the FPU pages; the same encodings as appendix A.4, tables ), one
     * encoding a line: {@code /r} a memory form, {@code XX+i} a register form for ST(i),
     * {@code XX} a single encoding (the FCOMI pages' "ST" written ST(0)). Below them the forms
     * the SDM does not document but every P6 decodes (sandpile.org's x87 maps; names as GNU
     * objdump prints them), and FISTTP, an SSE3 instruction this CPU does not have. Every
     * encoding not listed is reserved.
     */
    private static final String SDM = """
            D8 /0 FADD m32fp
            D8 /1 FMUL m32fp
            D8 /2 FCOM m32fp
            D8 /3 FCOMP m32fp
            D8 /4 FSUB m32fp
            D8 /5 FSUBR m32fp
            D8 /6 FDIV m32fp
            D8 /7 FDIVR m32fp
            D8 C0+i FADD ST(0), ST(i)
            D8 C8+i FMUL ST(0), ST(i)
            D8 D0+i FCOM ST(i)
            D8 D8+i FCOMP ST(i)
            D8 E0+i FSUB ST(0), ST(i)
            D8 E8+i FSUBR ST(0), ST(i)
            D8 F0+i FDIV ST(0), ST(i)
            D8 F8+i FDIVR ST(0), ST(i)
            D9 /0 FLD m32fp
            D9 /2 FST m32fp
            D9 /3 FSTP m32fp
            D9 /4 FLDENV m14/28byte
            D9 /5 FLDCW m2byte
            D9 /6 FNSTENV m14/28byte
            D9 /7 FNSTCW m2byte
            D9 C0+i FLD ST(i)
            D9 C8+i FXCH ST(i)
            D9 D0 FNOP
            D9 E0 FCHS
            D9 E1 FABS
            D9 E4 FTST
            D9 E5 FXAM
            D9 E8 FLD1
            D9 E9 FLDL2T
            D9 EA FLDL2E
            D9 EB FLDPI
            D9 EC FLDLG2
            D9 ED FLDLN2
            D9 EE FLDZ
            D9 F0 F2XM1
            D9 F1 FYL2X
            D9 F2 FPTAN
            D9 F3 FPATAN
            D9 F4 FXTRACT
            D9 F5 FPREM1
            D9 F6 FDECSTP
            D9 F7 FINCSTP
            D9 F8 FPREM
            D9 F9 FYL2XP1
            D9 FA FSQRT
            D9 FB FSINCOS
            D9 FC FRNDINT
            D9 FD FSCALE
            D9 FE FSIN
            D9 FF FCOS
            DA /0 FIADD m32int
            DA /1 FIMUL m32int
            DA /2 FICOM m32int
            DA /3 FICOMP m32int
            DA /4 FISUB m32int
            DA /5 FISUBR m32int
            DA /6 FIDIV m32int
            DA /7 FIDIVR m32int
            DA C0+i FCMOVB ST(0), ST(i)
            DA C8+i FCMOVE ST(0), ST(i)
            DA D0+i FCMOVBE ST(0), ST(i)
            DA D8+i FCMOVU ST(0), ST(i)
            DA E9 FUCOMPP
            DB /0 FILD m32int
            DB /2 FIST m32int
            DB /3 FISTP m32int
            DB /5 FLD m80fp
            DB /7 FSTP m80fp
            DB C0+i FCMOVNB ST(0), ST(i)
            DB C8+i FCMOVNE ST(0), ST(i)
            DB D0+i FCMOVNBE ST(0), ST(i)
            DB D8+i FCMOVNU ST(0), ST(i)
            DB E2 FNCLEX
            DB E3 FNINIT
            DB E8+i FUCOMI ST(0), ST(i)
            DB F0+i FCOMI ST(0), ST(i)
            DC /0 FADD m64fp
            DC /1 FMUL m64fp
            DC /2 FCOM m64fp
            DC /3 FCOMP m64fp
            DC /4 FSUB m64fp
            DC /5 FSUBR m64fp
            DC /6 FDIV m64fp
            DC /7 FDIVR m64fp
            DC C0+i FADD ST(i), ST(0)
            DC C8+i FMUL ST(i), ST(0)
            DC E0+i FSUBR ST(i), ST(0)
            DC E8+i FSUB ST(i), ST(0)
            DC F0+i FDIVR ST(i), ST(0)
            DC F8+i FDIV ST(i), ST(0)
            DD /0 FLD m64fp
            DD /2 FST m64fp
            DD /3 FSTP m64fp
            DD /4 FRSTOR m94/108byte
            DD /6 FNSAVE m94/108byte
            DD /7 FNSTSW m2byte
            DD C0+i FFREE ST(i)
            DD D0+i FST ST(i)
            DD D8+i FSTP ST(i)
            DD E0+i FUCOM ST(i)
            DD E8+i FUCOMP ST(i)
            DE /0 FIADD m16int
            DE /1 FIMUL m16int
            DE /2 FICOM m16int
            DE /3 FICOMP m16int
            DE /4 FISUB m16int
            DE /5 FISUBR m16int
            DE /6 FIDIV m16int
            DE /7 FIDIVR m16int
            DE C0+i FADDP ST(i), ST(0)
            DE C8+i FMULP ST(i), ST(0)
            DE D9 FCOMPP
            DE E0+i FSUBRP ST(i), ST(0)
            DE E8+i FSUBP ST(i), ST(0)
            DE F0+i FDIVRP ST(i), ST(0)
            DE F8+i FDIVP ST(i), ST(0)
            DF /0 FILD m16int
            DF /2 FIST m16int
            DF /3 FISTP m16int
            DF /4 FBLD m80bcd
            DF /5 FILD m64int
            DF /6 FBSTP m80bcd
            DF /7 FISTP m64int
            DF E0 FNSTSW AX
            DF E8+i FUCOMIP ST(0), ST(i)
            DF F0+i FCOMIP ST(0), ST(i)
            undocumented
            D9 D8+i FSTP1 ST(i)
            DB E0 FNENI
            DB E1 FNDISI
            DB E4 FNSETPM
            DC D0+i FCOM2 ST(i)
            DC D8+i FCOMP3 ST(i)
            DD C8+i FXCH4 ST(i)
            DE D0+i FCOMP5 ST(i)
            DF C0+i FFREEP ST(i)
            DF C8+i FXCH7 ST(i)
            DF D0+i FSTP8 ST(i)
            DF D8+i FSTP9 ST(i)
            reserved
            DB /1 FISTTP m32int
            DD /1 FISTTP m64int
            DF /1 FISTTP m16int
            """;

    /**
     * The non-waiting forms (SDM vol. 1, 8.3.11: FNINIT, FNCLEX, FNSTSW, FNSTCW, FNSTENV, FNSAVE),
     * and FNENI, FNDISI, FNSETPM, which the 8087 and 287 defined as non-waiting.
     */
    private static final Set<String> NON_WAITING = Set.of("FNSTENV", "FNSTCW", "FNCLEX", "FNINIT", "FNSAVE", "FNSTSW",
            "FNENI", "FNDISI", "FNSETPM");
    /**
     * The control instructions, which leave FCS:FIP, FOP and FDS:FDP alone (SDM vol. 1, 8.1.8:
     * FINIT, FCLEX, FLDCW, FSTCW, FSTSW, FSTENV, FLDENV, FSAVE, FRSTOR in their FN* forms), and
     * the 8087/287 control leftovers FNENI, FNDISI, FNSETPM.
     */
    private static final Set<String> CONTROL = Set.of("FNINIT", "FNCLEX", "FLDCW", "FNSTCW", "FNSTSW", "FNSTENV",
            "FLDENV", "FNSAVE", "FRSTOR", "FNENI", "FNDISI", "FNSETPM");

    /** One line of {@link #SDM}. */
    private record Form(int opcode, int reg, int modrm, boolean registerForm, String mnemonic, List<String> operands,
                        boolean reserved) { }

    private static List<Form> sdmForms() {
        List<Form> forms = new ArrayList<>();
        boolean reserved = false;
        for (String line : SDM.lines().toList()) {
            if (line.equals("undocumented")) continue;
            if (line.equals("reserved")) {
                reserved = true;
                continue;
            }
            String[] words = line.split(" ", 4);
            int opcode = Integer.parseInt(words[0], 16);
            List<String> operands = words.length > 3 ? List.of(words[3].split(", ")) : List.of();
            String where = words[1];
            if (where.startsWith("/")) {
                forms.add(new Form(opcode, where.charAt(1) - '0', -1, false, words[2], operands, reserved));
            } else if (where.endsWith("+i")) {
                int modrm = Integer.parseInt(where.substring(0, 2), 16);
                forms.add(new Form(opcode, (modrm >>> 3) & 7, -1, true, words[2], operands, reserved));
            } else {
                int modrm = Integer.parseInt(where, 16);
                forms.add(new Form(opcode, (modrm >>> 3) & 7, modrm, true, words[2], operands, reserved));
            }
        }
        return forms;
    }

    /** The SDM's spelling of an operand kind. */
    private static String sdmName(Operand o) {
        return switch (o) {
            case ST0 -> "ST(0)";
            case STi -> "ST(i)";
            case M14_28byte -> "m14/28byte";
            case M94_108byte -> "m94/108byte";
            case AX -> "AX";
            default -> o.name().substring(0, 1).toLowerCase() + o.name().substring(1);
        };
    }

    /** Bytes of a memory operand of the SDM type {@code type} under the given operand size. */
    private static int sdmSize(String type, boolean op32) {
        return switch (type) {
            case "m16int", "m2byte" -> 2;
            case "m32fp", "m32int" -> 4;
            case "m64fp", "m64int" -> 8;
            case "m80fp", "m80bcd" -> 10;
            case "m14/28byte" -> op32 ? 28 : 14;
            case "m94/108byte" -> op32 ? 108 : 94;
            default -> throw new IllegalArgumentException(type);
        };
    }

    @Nested
    class X87Escapes {
        private DecodedInsn decode(boolean prefix66, int opcode, int modrm) {
            int[] bytes = prefix66 ? new int[] {0x66, opcode, modrm} : new int[] {opcode, modrm};
            return decoder.decode(k -> k < bytes.length ? bytes[k] : 0, true);
        }

        /** The listed form of {@code opcode modrm}, or null for a reserved encoding. */
        private Form listed(Map<Integer, Form> byEncoding, int opcode, int modrm) {
            boolean register = modrm >= 0xC0;
            Form exact = byEncoding.get(opcode << 12 | modrm);
            if (register && exact != null) return exact;
            Form byReg = byEncoding.get(opcode << 12 | (register ? 0x100 : 0x200) | (modrm >>> 3 & 7));
            return byReg;
        }

        @Test
        void everyEncodingDecodesAsTheSdmListsIt() {
            Map<Integer, Form> byEncoding = new HashMap<>();
            for (Form f : sdmForms()) {
                int key = f.modrm() >= 0 ? f.opcode() << 12 | f.modrm()
                        : f.opcode() << 12 | (f.registerForm() ? 0x100 : 0x200) | f.reg();
                assertEquals(null, byEncoding.put(key, f), "listed twice: " + f);
            }
            int defined = 0;
            for (int opcode = 0xD8; opcode <= 0xDF; opcode++) {
                for (int modrm = 0; modrm < 256; modrm++) {
                    Form form = listed(byEncoding, opcode, modrm);
                    for (boolean prefix66 : new boolean[] {false, true}) {
                        String at = String.format("%s%02X %02X", prefix66 ? "66 " : "", opcode, modrm);
                        DecodedInsn d = decode(prefix66, opcode, modrm);
                        OpSpec row = d.spec;
                        boolean reserved = form == null || form.reserved();
                        assertEquals(reserved, row.reserved(), at + " reserved, row " + row);
                        if (form == null) {
                            assertEquals(Mnemonic.ESC, row.mnemonic(), at);
                            continue;
                        }
                        assertEquals(form.mnemonic(), row.mnemonic().name(), at);
                        assertEquals(form.operands(), row.operands().stream().map(OpTableTest::sdmName).toList(), at);
                        if (reserved) continue;
                        defined++;
                        assertEquals(NON_WAITING.contains(form.mnemonic()), row.nonWaiting(), at + " non-waiting");
                        assertEquals(!CONTROL.contains(form.mnemonic()), row.fpuPointers(), at + " pointers");
                        assertEquals(modrm < 0xC0, d.hasMem, at + " memory operand");
                        for (int i = 0; i < d.operandCount(); i++) {
                            String type = form.operands().get(i);
                            switch (d.kind[i]) {
                                case DecodedInsn.K_MEM -> assertEquals(sdmSize(type, !prefix66), d.size[i], at);
                                case DecodedInsn.K_ST -> assertEquals(type.equals("ST(i)") ? modrm & 7 : 0, d.num[i], at);
                                case DecodedInsn.K_REG -> assertEquals("AX", type, at);
                                default -> throw new AssertionError(at + " operand kind " + d.kind[i]);
                            }
                        }
                    }
                }
            }
            // Memory: 64 (opcode, reg) slots less 7 reserved, 24 ModRM bytes each; register forms: 420.
            assertEquals(2 * (57 * 24 + 420), defined);
        }

        @Test
        void registerFormsTakeTheStackRegisterFromModrmRm() {
            DecodedInsn d = decode(false, 0xDE, 0xC9);                             // fmulp st1, st0
            assertEquals(Mnemonic.FMULP, d.mnemonic);
            assertEquals(DecodedInsn.K_ST, d.kind0);
            assertEquals(1, d.num0);
            assertEquals(0, d.num1);
            assertEquals(2, d.length);
        }

        @Test
        void imagesFollowTheOperandSize() {
            assertEquals(28, decode(false, 0xD9, 0x30).size0);                     // fnstenv [eax]
            assertEquals(14, decode(true, 0xD9, 0x30).size0);                      // o16 fnstenv [eax]
            assertEquals(108, decode(false, 0xDD, 0x30).size0);                    // fnsave [eax]
            assertEquals(94, decode(true, 0xDD, 0x30).size0);                      // o16 fnsave [eax]
        }

        @Test
        void lookupGivesTheMemoryForms() {
            assertEquals(Mnemonic.FLD, decoder.lookup(0xDD, 0).mnemonic());
            assertEquals(List.of(Operand.M64fp), decoder.lookup(0xDD, 0).operands());
            OpSpec reserved = decoder.lookup(0xD9, 1);
            assertNotNull(reserved);
            assertTrue(reserved.reserved());
        }

        @Test
        void noX87RowIsLockableOrEndsABlock() {
            for (OpSpec row : OpTable.ROWS) {
                if (!row.x87()) continue;
                assertFalse(row.lockable() || row.endsBlock() || row.changesTbFlags() || row.privileged(), row.toString());
            }
        }
    }
}
