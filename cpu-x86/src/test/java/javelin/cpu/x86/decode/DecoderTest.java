package javelin.cpu.x86.decode;

import static javelin.cpu.x86.decode.DecodedInsn.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.Set;
import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Decoding per SDM vol. 2 chapter 2 (ModRM/SIB tables 2-1 to 2-3) and appendix A. */
class DecoderTest {
    private final Decoder decoder = new Decoder();

    private DecodedInsn decode(boolean code32, int... bytes) {
        return decoder.decode(k -> k < bytes.length ? bytes[k] : 0x90, code32);
    }

    @Nested
    class AddressForms {
        @Test
        void bpWithDisp8IsStackRelative() {
            DecodedInsn d = decode(false, 0x8B, 0x46, 0xFE);                          // mov ax,[bp-2]
            assertEquals(3, d.length);
            assertEquals(CpuState.SS, d.seg);
            assertEquals(CpuState.EBP, d.eaBase);
            assertEquals(-2, d.disp);
            assertEquals(Mnemonic.MOV, d.mnemonic);
        }

        @Test
        void mod0Rm6Is16BitAbsolute() {
            DecodedInsn d = decode(false, 0x8B, 0x06, 0x34, 0x12);                    // mov ax,[1234h]
            assertEquals(4, d.length);
            assertEquals(-1, d.eaBase);
            assertEquals(0x1234, d.disp);
            assertEquals(CpuState.DS, d.seg);
        }

        @Test
        void sibWithEspBaseIsStackRelative() {
            DecodedInsn d = decode(true, 0x8B, 0x44, 0x24, 0x08);                     // mov eax,[esp+8]
            assertEquals(4, d.length);
            assertEquals(CpuState.ESP, d.eaBase);
            assertEquals(-1, d.eaIndex);
            assertEquals(CpuState.SS, d.seg);
        }

        @Test
        void sibWithoutBaseTakesDisp32() {
            DecodedInsn d = decode(true, 0x8B, 0x04, 0x8D, 0x00, 0x10, 0x00, 0x00);   // mov eax,[ecx*4+1000h]
            assertEquals(7, d.length);
            assertEquals(-1, d.eaBase);
            assertEquals(CpuState.ECX, d.eaIndex);
            assertEquals(2, d.eaScale);
            assertEquals(0x1000, d.disp);
        }

        @Test
        void segmentOverrideWins() {
            DecodedInsn d = decode(false, 0x26, 0x8B, 0x46, 0x00);                    // mov ax,[es:bp]
            assertEquals(CpuState.ES, d.seg);
            assertEquals(P_SEG, d.prefixes & P_SEG);
        }

        @Test
        void addressSizePrefixSwitchesTo32BitForms() {
            DecodedInsn d = decode(false, 0x67, 0x8B, 0x44, 0x24, 0x08);              // mov ax,[esp+8]
            assertTrue(d.addr32);
            assertEquals(5, d.length);
            assertEquals(2, d.opSize);
        }
    }

    @Nested
    class Operands {
        @Test
        void group1ImmediateIsSignExtendedFor83() {
            DecodedInsn d = decode(false, 0x83, 0xC0, 0xFF);                          // add ax,-1
            assertEquals(Mnemonic.ADD, d.mnemonic);
            assertEquals(K_IMM, d.kind[1]);
            assertEquals(-1, d.num[1]);
        }

        @Test
        void farPointerKeepsOffsetAndSelector() {
            DecodedInsn d = decode(false, 0xEA, 0x34, 0x12, 0x00, 0xF0);              // jmp far F000:1234
            assertEquals(K_FAR, d.kind[0]);
            assertEquals(0x1234, d.imm);
            assertEquals(0xF000, d.imm2);
            assertEquals(5, d.length);
        }

        @Test
        void moffsFollowsTheAddressSize() {
            assertEquals(3, decode(false, 0xA1, 0x00, 0x20).length);
            assertEquals(5, decode(true, 0xA1, 0x00, 0x20, 0x00, 0x00).length);
        }

        @Test
        void movToControlRegisterIgnoresMod() {
            DecodedInsn d = decode(true, 0x0F, 0x22, 0x00);                           // mov cr0,eax (mod 0 encoding)
            assertEquals(K_CREG, d.kind[0]);
            assertEquals(K_REG, d.kind[1]);
            assertEquals(3, d.length);
        }
    }

    @Nested
    class Faults {
        @Test
        void moreThanFifteenBytesIsGp() {
            int[] bytes = new int[16];
            java.util.Arrays.fill(bytes, 0x66);
            CpuFault f = assertThrows(CpuFault.class, () -> decode(false, bytes));
            assertEquals(CpuFault.GP, f.vector);
        }

        @Test
        void leaWithARegisterOperandIsUd() {
            assertEquals(CpuFault.UD, assertThrows(CpuFault.class, () -> decode(false, 0x8D, 0xC0)).vector);
        }

        @Test
        void undefinedTwoByteOpcodeIsUd() {
            assertEquals(CpuFault.UD, assertThrows(CpuFault.class, () -> decode(false, 0x0F, 0xFF)).vector);
        }

        @Test
        void lockOnANonLockableInstructionIsUd() {
            assertEquals(CpuFault.UD, assertThrows(CpuFault.class, () -> decode(false, 0xF0, 0x8B, 0x06, 0, 0)).vector);
        }

        @Test
        void lockOnAMemoryAddIsAccepted() {
            assertEquals(P_LOCK, decode(false, 0xF0, 0x01, 0x06, 0x00, 0x20).prefixes & P_LOCK);
        }
    }

    @Nested
    class Table {
        @Test
        void lockableRowsAreExactlyTheSdmList() {
            // SDM vol. 2, LOCK: ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCHG8B, DEC, INC, NEG, NOT, OR, SBB, SUB,
            // XOR, XADD, XCHG.
            Set<Mnemonic> allowed = EnumSet.of(Mnemonic.ADD, Mnemonic.ADC, Mnemonic.AND, Mnemonic.BTC, Mnemonic.BTR,
                    Mnemonic.BTS, Mnemonic.CMPXCHG, Mnemonic.CMPXCHG8B, Mnemonic.DEC, Mnemonic.INC, Mnemonic.NEG,
                    Mnemonic.NOT, Mnemonic.OR, Mnemonic.SBB, Mnemonic.SUB, Mnemonic.XOR, Mnemonic.XADD, Mnemonic.XCHG);
            for (OpSpec s : OpTable.ROWS) {
                if (s.lockable()) assertTrue(allowed.contains(s.mnemonic()), s.toString());
            }
        }

        @Test
        void everyOneByteOpcodeIsARowOrAPrefix() {
            for (int op = 0; op < 0x100; op++) {
                if (Decoder.isPrefix(op) || op == 0x0F || op == 0x8F || op == 0xC6 || op == 0xC7 || op == 0xFE
                        || op == 0xFF || op == 0xF6 || op == 0xF7) {
                    continue;
                }
                assertNotNull(decoder.lookup(op, 0), Integer.toHexString(op));
            }
        }

        @Test
        void multiByteNopDecodesWithItsModrm() {
            DecodedInsn d = decode(true, 0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00);         // nop word [eax+eax*1+0]
            assertEquals(Mnemonic.NOP, d.mnemonic);
            assertEquals(6, d.length);
        }

        @Test
        void cmovAndCmpxchg8bArePresent() {
            assertEquals(Mnemonic.CMOVCC, decoder.lookup(OpSpec.ESCAPE_0F | 0x44, 0).mnemonic());
            assertEquals(Mnemonic.CMPXCHG8B, decoder.lookup(OpSpec.ESCAPE_0F | 0xC7, 1).mnemonic());
            assertNull(decoder.lookup(OpSpec.ESCAPE_0F | 0xC7, 0));
        }
    }
    /** Encodings from SDM vol. 2, appendix A (table A-2, one-byte opcodes). */
    @Nested
    class HotForms {
        @Test
        void registerAddTakesTheRegisterForm() {
            assertEquals(HotForm.ADD_R32_R32, decode(true, 0x01, 0xC8).form);           // add eax,ecx
            assertEquals(HotForm.ADD_R32_R32, decode(true, 0x03, 0xC1).form);           // add eax,ecx (Gv,Ev)
        }

        @Test
        void sixteenBitOperandsStayGeneric() {
            assertEquals(HotForm.GENERIC, decode(true, 0x66, 0x01, 0xC8).form);         // add ax,cx
            assertEquals(HotForm.GENERIC, decode(false, 0x01, 0xC8).form);              // add ax,cx in 16-bit code
            assertEquals(HotForm.GENERIC, decode(true, 0x00, 0xC8).form);               // add al,cl
        }

        @Test
        void lockedReadModifyWriteStaysGeneric() {
            assertEquals(HotForm.GENERIC, decode(true, 0xF0, 0x01, 0x08).form);         // lock add [eax],ecx
            assertEquals(HotForm.GENERIC, decode(true, 0x87, 0x08).form);               // xchg [eax],ecx
        }

        @Test
        void loadsAndStoresTakeTheMemoryForms() {
            assertEquals(HotForm.MOV_R32_M32, decode(true, 0x8B, 0x1C, 0x8E).form);     // mov ebx,[esi+ecx*4]
            assertEquals(HotForm.MOV_M32_R32, decode(true, 0x89, 0x14, 0x8E).form);     // mov [esi+ecx*4],edx
            assertEquals(HotForm.ALU_R32_M32, decode(true, 0x03, 0x06).form);           // add eax,[esi]
            assertEquals(HotForm.GENERIC, decode(true, 0x01, 0x06).form);               // add [esi],eax
        }

        @Test
        void immediateAndControlFormsAreRecognised() {
            assertEquals(HotForm.CMP_R32_IMM, decode(true, 0x83, 0xF9, 0x10).form);     // cmp ecx,10h
            assertEquals(HotForm.JCC_REL, decode(true, 0x75, 0xFE).form);               // jnz $
            assertEquals(HotForm.CALL_REL, decode(true, 0xE8, 0, 0, 0, 0).form);        // call $+5
            assertEquals(HotForm.RET_NEAR, decode(true, 0xC3).form);                    // ret
            assertEquals(HotForm.GENERIC, decode(true, 0xFF, 0xD0).form);               // call eax
        }

        @Test
        void rowsThatChangeModeBitsStayGeneric() {
            assertEquals(HotForm.GENERIC, decode(true, 0x17).form);                     // pop ss
            assertEquals(HotForm.GENERIC, decode(true, 0x9D).form);                     // popf
        }
    }
}
