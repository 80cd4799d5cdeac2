package javelin.cpu.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import org.junit.jupiter.api.Test;

/**
 * The x87 rows of the table and the table-driven {@link X87Executor} against
 * {@link ReferenceX87Executor} (the executor with its own decoding), for every escape opcode and
 * ModRM byte, with and without the 66 prefix.
 */
class X87TableComparisonTest {
    private final Decoder decoder = new Decoder();

    private DecodedInsn decode(boolean prefix66, int opcode, int modrm) {
        int[] bytes = prefix66 ? new int[] {0x66, opcode, modrm} : new int[] {opcode, modrm};
        return decoder.decode(k -> k < bytes.length ? bytes[k] : 0, true);
    }

    /** The reference's memory operand size (interp.X87.memoryOperandSize before the table had x87 rows). */
    private static int referenceOperandSize(int opcode, int reg, boolean op32) {
        return switch (opcode) {
            case 0xD8, 0xDA -> 4;
            case 0xD9 -> switch (reg) {
                case 4, 6 -> op32 ? 28 : 14;
                case 5, 7 -> 2;
                default -> 4;
            };
            case 0xDB -> reg == 5 || reg == 7 ? 10 : 4;
            case 0xDC -> 8;
            case 0xDD -> switch (reg) {
                case 4, 6 -> op32 ? 108 : 94;
                case 7 -> 2;
                default -> 8;
            };
            case 0xDE -> 2;
            default -> switch (reg) {
                case 4, 6 -> 10;
                case 5, 7 -> 8;
                default -> 2;
            };
        };
    }

    /** The reference's "memory form stores" (interp.X87.stores before the table had x87 rows). */
    private static boolean referenceStores(int opcode, int reg) {
        return switch (opcode) {
            case 0xD9, 0xDD -> reg == 2 || reg == 3 || reg >= 6;
            case 0xDB -> reg == 2 || reg == 3 || reg == 7;
            case 0xDF -> reg == 2 || reg == 3 || reg >= 6;
            default -> false;
        };
    }

    @Test
    void rowsGiveTheSameAnswersAsTheReferenceDecoding() {
        int defined = 0;
        for (int opcode = 0xD8; opcode <= 0xDF; opcode++) {
            for (int modrm = 0; modrm < 256; modrm++) {
                for (boolean prefix66 : new boolean[] {false, true}) {
                    DecodedInsn d = decode(prefix66, opcode, modrm);
                    String at = String.format("%s%02X %02X", prefix66 ? "66 " : "", opcode, modrm);
                    boolean oldDefined = ReferenceX87Executor.isDefined(opcode, modrm);
                    assertEquals(oldDefined, !d.spec.reserved(), at + " defined, row " + d.spec);
                    if (!oldDefined) continue;
                    defined++;
                    assertEquals(ReferenceX87Executor.isNonWaiting(opcode, modrm), d.spec.nonWaiting(), at + " non-waiting");
                    assertEquals(ReferenceX87Executor.updatesPointers(opcode, modrm), d.spec.fpuPointers(), at + " pointers");
                    boolean mem = (modrm & 0xC0) != 0xC0;
                    assertEquals(mem, d.hasMem, at + " memory");
                    int memoryOperands = 0;
                    for (int i = 0; i < d.operandCount(); i++) {
                        if (d.kind[i] == DecodedInsn.K_MEM) {
                            memoryOperands++;
                            assertEquals(referenceOperandSize(opcode, (modrm >>> 3) & 7, !prefix66), d.size[i],
                                    at + " operand size");
                        }
                        if (d.kind[i] == DecodedInsn.K_ST && d.num[i] != 0) assertEquals(modrm & 7, d.num[i], at);
                    }
                    assertEquals(mem ? 1 : 0, memoryOperands, at + " memory operands");
                    if (mem) {
                        assertEquals(referenceStores(opcode, (modrm >>> 3) & 7), X87Executor.writesMemory(d.mnemonic),
                                at + " stores");
                    }
                }
            }
        }
        assertEquals(2 * 1788, defined);
    }

    /** A host over 128 bytes that also says the operand size, as the reference asks. */
    static final class Host implements ReferenceX87Executor.SizedHost {
        final byte[] mem = new byte[128];
        int eflags;
        int ax;
        final boolean op32;

        Host(boolean op32) {
            this.op32 = op32;
        }

        @Override public long read(int offset, int size) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) v = v << 8 | (mem[offset + i] & 0xFF);
            return v;
        }

        @Override public void write(int offset, int size, long value) {
            for (int i = 0; i < size; i++) mem[offset + i] = (byte) (value >>> (8 * i));
        }

        @Override public int eflags() { return eflags; }

        @Override public void setCompareFlags(int zfPfCf) { eflags = (eflags & ~0x8D5) | zfPfCf; }

        @Override public void setAx(int value) { ax = value & 0xFFFF; }

        @Override public boolean operand32() { return op32; }

        @Override public boolean realMode() { return false; }
    }

    /** A value of a random class: zero, denormal, normal of any exponent, infinity, NaN, unsupported. */
    private static Float80 randomValue(Random r) {
        int sign = r.nextBoolean() ? 0x8000 : 0;
        long sig = r.nextLong();
        return switch (r.nextInt(10)) {
            case 0 -> new Float80(sign, 0);
            case 1 -> new Float80(sign, sig >>> 1);                                    // denormal
            case 2 -> new Float80(sign | 0x7FFF, Float80.INTEGER_BIT);                 // infinity
            case 3 -> new Float80(sign | 0x7FFF, sig | Float80.INTEGER_BIT);           // NaN
            case 4 -> new Float80(sign | (1 + r.nextInt(0x7FFE)), sig & ~Float80.INTEGER_BIT);  // unnormal
            case 5 -> new Float80(sign | (0x3FFF + r.nextInt(128) - 64), sig | Float80.INTEGER_BIT);
            case 6 -> new Float80(sign | (0x3FFF + r.nextInt(8)), (sig | Float80.INTEGER_BIT) & ~0xFFFF_FFFFL);
            default -> new Float80(sign | (1 + r.nextInt(0x7FFE)), sig | Float80.INTEGER_BIT);
        };
    }

    /** A random 108-byte FNSAVE image (32-bit protected mode): control, status, tags, registers. */
    private static byte[] randomImage(Random r) {
        byte[] image = new byte[108];
        int rc = r.nextInt(4), pc = r.nextInt(4);
        int masks = r.nextInt(4) == 0 ? r.nextInt(64) : 0x3F;
        Fpu.put16(image, 0, masks | pc << 8 | rc << 10 | 0x40);
        Fpu.put16(image, 4, (r.nextInt() & 0x473F & ~0x3F) | (r.nextInt(8) << 11));
        int tags = 0;
        for (int i = 0; i < 8; i++) tags |= (r.nextInt(3) == 0 ? Fpu.TAG_EMPTY : Fpu.TAG_VALID) << (2 * i);
        Fpu.put16(image, 8, tags);
        for (int i = 0; i < 8; i++) randomValue(r).toBytes(image, 28 + 10 * i);
        return image;
    }

    @Test
    void theTableDrivenExecutorComputesWhatTheReferenceComputes() {
        Random r = new Random(87);
        int runs = 0;
        for (int opcode = 0xD8; opcode <= 0xDF; opcode++) {
            for (int modrm = 0; modrm < 256; modrm++) {
                if (!ReferenceX87Executor.isDefined(opcode, modrm)) continue;
                boolean mem = (modrm & 0xC0) != 0xC0;
                for (boolean prefix66 : mem ? new boolean[] {false, true} : new boolean[] {false}) {
                    DecodedInsn d = decode(prefix66, opcode, modrm);
                    for (int n = 0; n < 24; n++) {
                        byte[] image = randomImage(r);
                        Host a = new Host(!prefix66), b = new Host(!prefix66);
                        a.eflags = b.eflags = 2 | (r.nextInt() & 0x45);
                        byte[] data = new byte[128];
                        if (r.nextBoolean()) {
                            r.nextBytes(data);
                        } else {
                            randomValue(r).toBytes(data, 0);
                            System.arraycopy(randomImage(r), 0, data, 10, 108);
                        }
                        if (mem && (modrm >>> 3 & 7) == 4 && (opcode == 0xD9 || opcode == 0xDD)) {
                            System.arraycopy(randomImage(r), 0, data, 0, 108);      // FLDENV, FRSTOR
                        }
                        System.arraycopy(data, 0, a.mem, 0, 128);
                        System.arraycopy(data, 0, b.mem, 0, 128);
                        Fpu fa = new Fpu(), fb = new Fpu();
                        fa.restore(image, true, false);
                        fb.restore(image, true, false);
                        ReferenceX87Executor.execute(fa, opcode, modrm, a);
                        X87Executor.execute(fb, d, b);
                        String at = String.format("%s%02X %02X #%d", prefix66 ? "66 " : "", opcode, modrm, n);
                        assertEquals(fa.saveState(), fb.saveState(), at + " state");
                        assertArrayEquals(a.mem, b.mem, at + " memory");
                        assertEquals(a.eflags, b.eflags, at + " eflags");
                        assertEquals(a.ax, b.ax, at + " ax");
                        runs++;
                    }
                }
            }
        }
        assertEquals(24 * (1368 * 2 + 420), runs);
    }
}
