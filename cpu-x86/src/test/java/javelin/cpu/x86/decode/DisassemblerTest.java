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
    void segmentOverridesAndFarPointers() {
        assertEquals("add [es:bx+si], al", text(false, -1, 0x26, 0x00, 0x00));
        assertEquals("jmp far 0xf000:0xe05b", text(false, -1, 0xEA, 0x5B, 0xE0, 0x00, 0xF0));
    }
}
