package javelin.cpu.x86.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import javelin.cpu.x86.fpu.X87Executor;
import org.junit.jupiter.api.Test;

/** The x87 rows of the table against the answers of X87Executor's own decoding, for every escape and ModRM. */
class X87TableComparisonTest {
    private final Decoder decoder = new Decoder();

    @Test
    void rowsGiveTheSameAnswersAsTheExecutorsDecoding() {
        int defined = 0;
        for (int opcode = 0xD8; opcode <= 0xDF; opcode++) {
            for (int modrm = 0; modrm < 256; modrm++) {
                for (boolean prefix66 : new boolean[] {false, true}) {
                    int[] bytes = prefix66 ? new int[] {0x66, opcode, modrm} : new int[] {opcode, modrm};
                    DecodedInsn d = decoder.decode(k -> k < bytes.length ? bytes[k] : 0, true);
                    String at = String.format("%s%02X %02X", prefix66 ? "66 " : "", opcode, modrm);
                    boolean oldDefined = X87Executor.isDefined(opcode, modrm);
                    assertEquals(oldDefined, !d.spec.reserved(), at + " defined, row " + d.spec);
                    if (!oldDefined) continue;
                    defined++;
                    assertEquals(X87Executor.isNonWaiting(opcode, modrm), d.spec.nonWaiting(), at + " non-waiting");
                    assertEquals(X87Executor.updatesPointers(opcode, modrm), d.spec.fpuPointers(), at + " pointers");
                    boolean mem = (modrm & 0xC0) != 0xC0;
                    assertEquals(mem, d.hasMem, at + " memory");
                    int memoryOperands = 0;
                    for (int i = 0; i < d.operandCount(); i++) {
                        if (d.kind[i] == DecodedInsn.K_MEM) {
                            memoryOperands++;
                            assertEquals(X87.memoryOperandSize(opcode, (modrm >>> 3) & 7, !prefix66), d.size[i],
                                    at + " operand size");
                        }
                        if (d.kind[i] == DecodedInsn.K_ST && d.num[i] != 0) assertEquals(modrm & 7, d.num[i], at);
                    }
                    assertEquals(mem ? 1 : 0, memoryOperands, at + " memory operands");
                }
            }
        }
        System.out.println("x87 encodings compared, defined (with and without 66): " + defined);
    }
}
