package javelin.cpu.x86.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Intel syntax as NASM's disassembler (ndisasm) prints these encodings. */
class DisassemblerTest {
    private final Decoder decoder = new Decoder();

    private String text(boolean code32, long eip, int... bytes) {
        DecodedInsn d = decoder.decode(k -> k < bytes.length ? bytes[k] : 0x90, code32);
        return eip < 0 ? Disassembler.format(d) : Disassembler.format(d, (int) eip);
    }

    @Test
    void registerAndMemoryOperands() {
        assertEquals("mov ax, [bp-0x2]", text(false, -1, 0x8B, 0x46, 0xFE));
        assertEquals("mov eax, [ecx*4+0x1000]", text(true, -1, 0x8B, 0x04, 0x8D, 0x00, 0x10, 0x00, 0x00));
    }

    @Test
    void memoryWithAnImmediateCarriesASize() {
        assertEquals("mov word [0x2000], 0x1234", text(false, -1, 0xC7, 0x06, 0x00, 0x20, 0x34, 0x12));
    }

    @Test
    void stringInstructionsShowPrefixAndSize() {
        assertEquals("rep movsb", text(false, -1, 0xF3, 0xA4));
        assertEquals("repe cmpsd", text(true, -1, 0xF3, 0xA7));
    }

    @Test
    void branchTargetsAreAbsoluteWhenTheAddressIsKnown() {
        assertEquals("je 0x114", text(false, 0x100, 0x0F, 0x84, 0x10, 0x00));
        assertEquals("jmp $-0x2", text(false, -1, 0xEB, 0xFE));
    }

    @Test
    void addressesAboveTwoGigabytesStayUnsigned() {
        assertEquals("call 0xc0100010", text(true, 0xC010_0000L, 0xE8, 0x0B, 0x00, 0x00, 0x00));
    }

    @Test
    void x87MemoryOperandsCarryTheirSize() {
        assertEquals("fld qword [ebp-0x10]", text(true, -1, 0xDD, 0x45, 0xF0));
        assertEquals("fistp dword [eax]", text(true, -1, 0xDB, 0x18));
        assertEquals("fild word [bx+si]", text(false, -1, 0xDF, 0x00));
        assertEquals("fstp tword [esi+0x8]", text(true, -1, 0xDB, 0x7E, 0x08));
        assertEquals("fbld tword [eax]", text(true, -1, 0xDF, 0x20));
        assertEquals("fiadd dword [0x1000]", text(true, -1, 0xDA, 0x05, 0x00, 0x10, 0x00, 0x00));
        assertEquals("fnstcw word [bp-0x2]", text(false, -1, 0xD9, 0x7E, 0xFE));
    }

    @Test
    void x87ImagesHaveNoSizeKeyword() {
        assertEquals("fnstenv [eax]", text(true, -1, 0xD9, 0x30));
        assertEquals("frstor [ebx]", text(true, -1, 0xDD, 0x23));
    }

    @Test
    void x87RegisterFormsPrintTheSdmOperands() {
        // SDM vol. 2: "DE C8+i FMULP ST(i), ST(0)", "D8 C0+i FADD ST(0), ST(i)", "DC C0+i FADD ST(i), ST(0)".
        assertEquals("fmulp st1, st0", text(true, -1, 0xDE, 0xC9));
        assertEquals("fadd st0, st1", text(true, -1, 0xD8, 0xC1));
        assertEquals("fadd st1, st0", text(true, -1, 0xDC, 0xC1));
        assertEquals("fxch st3", text(true, -1, 0xD9, 0xCB));
        assertEquals("fcomi st0, st2", text(true, -1, 0xDB, 0xF2));
        assertEquals("fcmovnbe st0, st7", text(true, -1, 0xDB, 0xD7));
        assertEquals("fstp st1", text(true, -1, 0xDD, 0xD9));
        assertEquals("ffreep st0", text(true, -1, 0xDF, 0xC0));
    }

    @Test
    void x87SingleEncodingsPrintByName() {
        assertEquals("fld1", text(true, -1, 0xD9, 0xE8));
        assertEquals("fnstsw ax", text(false, -1, 0xDF, 0xE0));
        assertEquals("fninit", text(true, -1, 0xDB, 0xE3));
        assertEquals("fcompp", text(true, -1, 0xDE, 0xD9));
        assertEquals("f2xm1", text(true, -1, 0xD9, 0xF0));
        assertEquals("(bad)", text(true, -1, 0xD9, 0xD1));                          // reserved
    }

    @Test
    void segmentOverridesAndFarPointers() {
        assertEquals("add [es:bx+si], al", text(false, -1, 0x26, 0x00, 0x00));
        assertEquals("jmp far 0xf000:0xe05b", text(false, -1, 0xEA, 0x5B, 0xE0, 0x00, 0xF0));
    }
}
