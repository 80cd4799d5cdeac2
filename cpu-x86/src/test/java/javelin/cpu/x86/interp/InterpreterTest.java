package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import javelin.cpu.x86.CpuFault;
import javelin.softmmu.InterruptSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Instruction semantics, one group per family. Expected values are worked by hand from the
 * SDM vol. 2 pages of each instruction (flags from its "Flags Affected" section); encodings
 * from vol. 2 appendix A.
 */
class InterpreterTest {
    private static final int ARITH = CF | PF | AF | ZF | SF | OF;

    private static int arith(TestProgram m) {
        return m.flags() & ARITH;
    }

    @Nested
    class SpinWaitHint {
        @Test
        void pauseCallsTheMachinesHintAndPlainNopDoesNot() {
            TestProgram m = new TestProgram().code(0xF3, 0x90, 0x90, 0xF3, 0x90);     // pause; nop; pause
            int[] calls = {0};
            m.socket.pauseHint = () -> calls[0]++;
            m.run();
            assertEquals(2, calls[0]);
        }
    }

    @Nested
    class Arithmetic {
        @Test
        void addSignedOverflowSetsOfSfAf() {
            TestProgram m = new TestProgram().code(0xB0, 0x7F, 0x04, 0x01);          // mov al,7Fh; add al,1
            m.run();
            assertEquals(0x80, m.r[EAX] & 0xFF);
            assertEquals(OF | SF | AF, arith(m));
        }

        @Test
        void subBorrowSetsCfSfAfPf() {
            TestProgram m = new TestProgram().code(0xB0, 0x00, 0x2C, 0x01);          // mov al,0; sub al,1
            m.run();
            assertEquals(0xFF, m.r[EAX] & 0xFF);
            assertEquals(CF | SF | AF | PF, arith(m));
        }

        @Test
        void adcAddsTheCarry() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0xFF, 0x14, 0x00);    // stc; mov al,FFh; adc al,0
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            assertEquals(CF | ZF | AF | PF, arith(m));
        }

        @Test
        void sbbSubtractsTheBorrow() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0x00, 0x1C, 0x00);    // stc; mov al,0; sbb al,0
            m.run();
            assertEquals(0xFF, m.r[EAX] & 0xFF);
            assertEquals(CF | SF | AF | PF, arith(m));
        }

        @Test
        void andClearsCarryAndOverflow() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0xF0, 0x24, 0x0F);    // stc; mov al,F0h; and al,0Fh
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            assertEquals(0, m.flags() & (CF | OF));
            assertEquals(ZF | PF, m.flags() & (ZF | PF | SF));
        }

        @Test
        void incKeepsCarry() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0xFF, 0xFE, 0xC0);    // stc; mov al,FFh; inc al
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            assertEquals(CF | ZF | AF | PF, arith(m));
        }

        @Test
        void decOfMostNegativeSetsOverflow() {
            TestProgram m = new TestProgram().code(0xB0, 0x80, 0xFE, 0xC8);          // mov al,80h; dec al
            m.run();
            assertEquals(0x7F, m.r[EAX] & 0xFF);
            assertEquals(OF | AF, arith(m));
        }

        @Test
        void negSetsCarryUnlessZero() {
            TestProgram zero = new TestProgram().code(0xB0, 0x00, 0xF6, 0xD8);       // mov al,0; neg al
            zero.run();
            assertEquals(ZF | PF, arith(zero));
            TestProgram one = new TestProgram().code(0xB0, 0x01, 0xF6, 0xD8);        // mov al,1; neg al
            one.run();
            assertEquals(0xFF, one.r[EAX] & 0xFF);
            assertEquals(CF | SF | AF | PF, arith(one));
        }

        @Test
        void wordSubtractOverflowsFromMostNegative() {
            TestProgram m = new TestProgram().code(0xB8, 0x00, 0x80, 0x2D, 0x01, 0x00); // mov ax,8000h; sub ax,1
            m.run();
            assertEquals(0x7FFF, m.r[EAX] & 0xFFFF);
            assertEquals(OF | AF | PF, arith(m));
        }

        @Test
        void cmpLeavesTheOperandAlone() {
            TestProgram m = new TestProgram().code(0xB8, 0x05, 0x00, 0x3D, 0x07, 0x00); // mov ax,5; cmp ax,7
            m.run();
            assertEquals(5, m.r[EAX] & 0xFFFF);
            assertEquals(CF | SF | AF, arith(m));
        }

        @Test
        void addToMemoryReadsModifiesWrites() {
            TestProgram m = new TestProgram().code(0x81, 0x06, 0x00, 0x20, 0x34, 0x12); // add word [2000h],1234h
            m.mem.writeWord(0x2000, 0x1111);
            m.run();
            assertEquals(0x2345, m.wordAt(0x2000));
        }

        @Test
        void dwordAddCarriesOutOfBit31() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0x83, 0xC0, 0x01);
            m.run();                                                                 // mov eax,-1; add eax,1
            assertEquals(0, m.r[EAX]);
            assertEquals(CF | ZF | AF | PF, arith(m));
        }

        @Test
        void operandSizePrefixSelects32BitsInRealMode() {
            TestProgram m = new TestProgram().code(0x66, 0xB8, 0x78, 0x56, 0x34, 0x12); // mov eax,12345678h
            m.run();
            assertEquals(0x1234_5678, m.r[EAX]);
        }

        @Test
        void highByteRegistersAddressAhChDhBh() {
            TestProgram m = new TestProgram().code(0xB8, 0x34, 0x12, 0xB4, 0x56);    // mov ax,1234h; mov ah,56h
            m.run();
            assertEquals(0x5634, m.r[EAX] & 0xFFFF);
        }
    }

    @Nested
    class Shifts {
        @Test
        void shlByOneShiftsIntoCarryAndSetsOverflow() {
            TestProgram m = new TestProgram().code(0xB0, 0x80, 0xD0, 0xE0);          // mov al,80h; shl al,1
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            assertEquals(CF | OF, m.flags() & (CF | OF));
            assertEquals(ZF, m.flags() & ZF);
        }

        @Test
        void dwordShrByOneTakesOverflowFromTheOriginalTopBit() {
            TestProgram m = new TestProgram().flat32()
                    .code(0xB8, 0x01, 0x00, 0x00, 0x80, 0xD1, 0xE8);                   // mov eax,80000001h; shr eax,1
            m.run();
            assertEquals(0x4000_0000, m.r[EAX]);
            assertEquals(CF | OF | PF, arith(m) & ~AF);                              // AF undefined
        }

        @Test
        void dwordSarByImmediateKeepsTheSign() {
            TestProgram m = new TestProgram().flat32()
                    .code(0xB8, 0x01, 0x00, 0x00, 0x80, 0xC1, 0xF8, 0x04);             // mov eax,80000001h; sar eax,4
            m.run();
            assertEquals(0xF800_0000, m.r[EAX]);
            assertEquals(SF | PF, arith(m) & ~(AF | OF));                            // undefined for a count > 1
        }

        @Test
        void dwordShlByImmediateShiftsTheLastBitOutIntoCarry() {
            TestProgram m = new TestProgram().flat32()
                    .code(0xB8, 0x00, 0x00, 0x00, 0x30, 0xC1, 0xE0, 0x03);             // mov eax,30000000h; shl eax,3
            m.run();
            assertEquals(0x8000_0000, m.r[EAX]);
            assertEquals(CF | SF | PF, arith(m) & ~(AF | OF));                       // undefined for a count > 1
        }

        @Test
        void countZeroChangesNoFlag() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0x81, 0xB1, 0x00, 0xD2, 0xE0); // stc; mov al,81h; mov cl,0; shl al,cl
            m.run();
            assertEquals(0x81, m.r[EAX] & 0xFF);
            assertEquals(CF, m.flags() & CF);
        }

        @Test
        void countIsMaskedToFiveBits() {
            TestProgram m = new TestProgram().code(0xB0, 0x01, 0xB1, 0x21, 0xD2, 0xE0); // mov al,1; mov cl,21h; shl al,cl
            m.run();
            assertEquals(2, m.r[EAX] & 0xFF);
        }

        @Test
        void rolRotatesTheTopBitIntoCarry() {
            TestProgram m = new TestProgram().code(0xB0, 0x81, 0xD0, 0xC0);          // mov al,81h; rol al,1
            m.run();
            assertEquals(0x03, m.r[EAX] & 0xFF);
            assertEquals(CF | OF, m.flags() & (CF | OF));
        }

        @Test
        void byteRolByNineRotatesByOne() {
            TestProgram m = new TestProgram().code(0xB0, 0x81, 0xC0, 0xC0, 0x09);    // mov al,81h; rol al,9
            m.run();
            assertEquals(0x03, m.r[EAX] & 0xFF);
            assertEquals(CF, m.flags() & CF);
        }

        @Test
        void rcrRotatesCarryIntoTheTop() {
            TestProgram m = new TestProgram().code(0xF9, 0xB0, 0x01, 0xD0, 0xD8);    // stc; mov al,1; rcr al,1
            m.run();
            assertEquals(0x80, m.r[EAX] & 0xFF);
            assertEquals(CF | OF, m.flags() & (CF | OF));
        }

        @Test
        void byteRclByNineIsTheIdentity() {
            TestProgram m = new TestProgram().code(0xF8, 0xB0, 0x55, 0xC0, 0xD0, 0x09); // clc; mov al,55h; rcl al,9
            m.run();
            assertEquals(0x55, m.r[EAX] & 0xFF);
            assertEquals(0, m.flags() & CF);
        }

        @Test
        void sarReplicatesTheSignBit() {
            TestProgram m = new TestProgram().code(0xB0, 0x80, 0xC0, 0xF8, 0x07);    // mov al,80h; sar al,7
            m.run();
            assertEquals(0xFF, m.r[EAX] & 0xFF);
            assertEquals(0, m.flags() & CF);
        }

        @Test
        void shrByMoreThanTheWidthGivesZero() {
            TestProgram m = new TestProgram().code(0xB0, 0xFF, 0xB1, 0x09, 0xD2, 0xE8); // mov al,FFh; mov cl,9; shr al,cl
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            assertEquals(ZF, m.flags() & ZF);
        }

        @Test
        void shldFillsFromTheSource() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 0x78, 0x56, 0x34, 0x12, 0xBB, 0xF0, 0xDE, 0xBC, 0x9A,
                    0x0F, 0xA4, 0xD8, 0x08);                                         // shld eax,ebx,8
            m.run();
            assertEquals(0x3456_789A, m.r[EAX]);
            assertEquals(0, m.flags() & CF);
        }

        @Test
        void shrdFillsFromTheSource() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 0x78, 0x56, 0x34, 0x12, 0xBB, 0xF0, 0xDE, 0xBC, 0x9A,
                    0x0F, 0xAC, 0xD8, 0x08);                                         // shrd eax,ebx,8
            m.run();
            assertEquals(0xF012_3456, m.r[EAX]);
            assertEquals(0, m.flags() & CF);
        }
    }

    @Nested
    class MultiplyDivide {
        @Test
        void mulSetsCarryWhenTheHighHalfIsUsed() {
            TestProgram m = new TestProgram().code(0xB0, 0x80, 0xB3, 0x02, 0xF6, 0xE3); // mov al,80h; mov bl,2; mul bl
            m.run();
            assertEquals(0x0100, m.r[EAX] & 0xFFFF);
            assertEquals(CF | OF, m.flags() & (CF | OF));
        }

        @Test
        void mulClearsCarryWhenTheHighHalfIsZero() {
            TestProgram m = new TestProgram().code(0xB0, 0x03, 0xB3, 0x04, 0xF6, 0xE3);
            m.run();
            assertEquals(12, m.r[EAX] & 0xFFFF);
            assertEquals(0, m.flags() & (CF | OF));
        }

        @Test
        void imulOfMinusOneSquaredIsOne() {
            TestProgram m = new TestProgram().code(0xB8, 0xFF, 0xFF, 0xBB, 0xFF, 0xFF, 0xF7, 0xEB); // imul bx
            m.run();
            assertEquals(1, m.r[EAX] & 0xFFFF);
            assertEquals(0, m.r[EDX] & 0xFFFF);
            assertEquals(0, m.flags() & (CF | OF));
        }

        @Test
        void threeOperandImulTruncatesAndFlagsOverflow() {
            TestProgram m = new TestProgram().code(0xBB, 0x2C, 0x01, 0x69, 0xC3, 0x2C, 0x01); // mov bx,300; imul ax,bx,300
            m.run();
            assertEquals(0x5F90, m.r[EAX] & 0xFFFF);                                 // 90000 = 15F90h
            assertEquals(CF | OF, m.flags() & (CF | OF));
        }

        @Test
        void divideByZeroRaisesDeAtTheDivide() {
            TestProgram m = new TestProgram().code(0xB3, 0x00, 0xF6, 0xF3);          // mov bl,0; div bl
            m.run();
            assertTrue(m.faulted(CpuFault.DE));
            assertEquals(TestProgram.CODE + 2, m.wordAt(TestProgram.STACK_TOP - 6)); // pushed IP = the DIV
        }

        @Test
        void quotientTooLargeRaisesDe() {
            TestProgram m = new TestProgram().code(0xB8, 0x00, 0x10, 0xB3, 0x10, 0xF6, 0xF3); // 1000h / 10h = 100h
            m.run();
            assertTrue(m.faulted(CpuFault.DE));
            assertEquals(0x1000, m.r[EAX] & 0xFFFF);
        }

        @Test
        void divGivesQuotientInAlAndRemainderInAh() {
            TestProgram m = new TestProgram().code(0xB8, 0xE8, 0x03, 0xB3, 0x07, 0xF6, 0xF3); // 1000 / 7
            m.run();
            assertEquals(0x068E, m.r[EAX] & 0xFFFF);                                 // 142 rem 6
        }

        @Test
        void idivTruncatesTowardZero() {
            TestProgram m = new TestProgram().code(0xB8, 0xF9, 0xFF, 0xB3, 0x02, 0xF6, 0xFB); // -7 / 2
            m.run();
            assertEquals(0xFFFD, m.r[EAX] & 0xFFFF);                                 // -3 rem -1
        }

        @Test
        void idivOfMinus128ByMinus1Overflows() {
            TestProgram m = new TestProgram().code(0xB8, 0x80, 0xFF, 0xB3, 0xFF, 0xF6, 0xFB);
            m.run();
            assertTrue(m.faulted(CpuFault.DE));
        }

        @Test
        void dwordDivideUsesEdxEax() {
            TestProgram m = new TestProgram().flat32().code(0xBA, 0x01, 0x00, 0x00, 0x00, 0xB8, 0, 0, 0, 0,
                    0xB9, 0x02, 0x00, 0x00, 0x00, 0xF7, 0xF1);                       // 1_00000000h / 2
            m.run();
            assertEquals(0x8000_0000, m.r[EAX]);
            assertEquals(0, m.r[EDX]);
        }
    }

    @Nested
    class DecimalAdjust {
        @Test
        void daaAfterPackedAdd() {
            TestProgram m = new TestProgram().code(0xB0, 0x79, 0xB3, 0x35, 0x00, 0xD8, 0x27); // 79 + 35 = 114
            m.run();
            assertEquals(0x14, m.r[EAX] & 0xFF);
            assertEquals(CF, m.flags() & CF);
        }

        @Test
        void dasAfterPackedSubtract() {
            TestProgram m = new TestProgram().code(0xB0, 0x35, 0xB3, 0x47, 0x28, 0xD8, 0x2F); // 35 - 47 = -12
            m.run();
            assertEquals(0x88, m.r[EAX] & 0xFF);
            assertEquals(CF, m.flags() & CF);
        }

        @Test
        void aaaCarriesIntoAh() {
            TestProgram m = new TestProgram().code(0xB8, 0x09, 0x00, 0x04, 0x09, 0x37); // 9 + 9, aaa
            m.run();
            assertEquals(0x0108, m.r[EAX] & 0xFFFF);
            assertEquals(CF | AF, m.flags() & (CF | AF));
        }

        @Test
        void aamSplitsIntoDigits() {
            TestProgram m = new TestProgram().code(0xB0, 0x3F, 0xD4, 0x0A);          // 63 -> 06 03
            m.run();
            assertEquals(0x0603, m.r[EAX] & 0xFFFF);
        }

        @Test
        void aadJoinsDigits() {
            TestProgram m = new TestProgram().code(0xB8, 0x03, 0x06, 0xD5, 0x0A);
            m.run();
            assertEquals(0x003F, m.r[EAX] & 0xFFFF);
        }

        @Test
        void aamByZeroRaisesDe() {
            TestProgram m = new TestProgram().code(0xB0, 0x3F, 0xD4, 0x00);
            m.run();
            assertTrue(m.faulted(CpuFault.DE));
        }
    }

    @Nested
    class Strings {
        @Test
        void repMovsbCopiesForward() {
            TestProgram m = new TestProgram().code(0xBE, 0x00, 0x20, 0xBF, 0x00, 0x30, 0xB9, 0x04, 0x00, 0xFC, 0xF3, 0xA4);
            for (int i = 0; i < 4; i++) m.mem.writeByte(0x2000 + i, i + 1);
            m.run();
            for (int i = 0; i < 4; i++) assertEquals(i + 1, m.byteAt(0x3000 + i));
            assertEquals(0x2004, m.r[ESI] & 0xFFFF);
            assertEquals(0x3004, m.r[EDI] & 0xFFFF);
            assertEquals(0, m.r[ECX] & 0xFFFF);
        }

        @Test
        void stdMakesStoswGoDown() {
            TestProgram m = new TestProgram().code(0xBF, 0x06, 0x30, 0xB8, 0xCD, 0xAB, 0xB9, 0x03, 0x00, 0xFD, 0xF3, 0xAB);
            m.run();
            assertEquals(0xABCD, m.wordAt(0x3006));
            assertEquals(0xABCD, m.wordAt(0x3004));
            assertEquals(0xABCD, m.wordAt(0x3002));
            assertEquals(0, m.wordAt(0x3000));
            assertEquals(0x3000, m.r[EDI] & 0xFFFF);
        }

        @Test
        void repeCmpsbStopsAtTheFirstDifference() {
            TestProgram m = new TestProgram().code(0xBE, 0x00, 0x20, 0xBF, 0x00, 0x30, 0xB9, 0x04, 0x00, 0xFC, 0xF3, 0xA6);
            byte[] a = {'a', 'b', 'X', 'd'}, b = {'a', 'b', 'c', 'd'};
            m.mem.writeBytes(0x2000, a, 0, 4);
            m.mem.writeBytes(0x3000, b, 0, 4);
            m.run();
            assertEquals(1, m.r[ECX] & 0xFFFF);
            assertEquals(0x2003, m.r[ESI] & 0xFFFF);
            assertEquals(0, m.flags() & ZF);
        }

        @Test
        void repneScasbStopsOnAMatch() {
            TestProgram m = new TestProgram().code(0xBF, 0x00, 0x30, 0xB0, 0x33, 0xB9, 0x04, 0x00, 0xFC, 0xF2, 0xAE);
            m.mem.writeDword(0x3000, 0x4433_2211);
            m.run();
            assertEquals(1, m.r[ECX] & 0xFFFF);
            assertEquals(0x3003, m.r[EDI] & 0xFFFF);
            assertEquals(ZF, m.flags() & ZF);
        }

        @Test
        void repWithZeroCountDoesNothing() {
            TestProgram m = new TestProgram().code(0xBF, 0x00, 0x30, 0xB0, 0x77, 0x31, 0xC9, 0xF3, 0xAA); // xor cx,cx; rep stosb
            m.run();
            assertEquals(0, m.byteAt(0x3000));
            assertEquals(0x3000, m.r[EDI] & 0xFFFF);
        }

        @Test
        void lodsdIn32BitCodeUsesEsi() {
            TestProgram m = new TestProgram().flat32().code(0xBE, 0x00, 0x20, 0x00, 0x00, 0xFC, 0xAD); // mov esi,2000h; lodsd
            m.mem.writeDword(0x2000, 0xCAFE_BABE);
            m.run();
            assertEquals(0xCAFE_BABE, m.r[EAX]);
            assertEquals(0x2004, m.r[ESI]);
        }
    }

    @Nested
    class Bits {
        @Test
        void btCopiesTheBitToCarry() {
            TestProgram m = new TestProgram().code(0xB8, 0x10, 0x00, 0x0F, 0xBA, 0xE0, 0x04); // mov ax,10h; bt ax,4
            m.run();
            assertEquals(CF, m.flags() & CF);
        }

        @Test
        void btsWithARegisterOffsetReachesTheNextDword() {
            TestProgram m = new TestProgram().flat32().code(0xB9, 0x23, 0, 0, 0, 0x0F, 0xAB, 0x0D, 0x00, 0x20, 0, 0);
            m.run();                                                                 // mov ecx,35; bts [2000h],ecx
            assertEquals(0x8, m.dwordAt(0x2004));
            assertEquals(0, m.dwordAt(0x2000));
            assertEquals(0, m.flags() & CF);
        }

        @Test
        void btsWithANegativeOffsetReachesThePreviousDword() {
            TestProgram m = new TestProgram().flat32().code(0xB9, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0xAB, 0x0D, 0x04, 0x20, 0, 0);
            m.run();                                                                 // mov ecx,-1; bts [2004h],ecx
            assertEquals(0x8000_0000, m.dwordAt(0x2000));
        }

        @Test
        void bsfOfZeroSetsZfAndKeepsTheDestination() {
            TestProgram m = new TestProgram().code(0xB8, 0, 0, 0xBB, 0x34, 0x12, 0x0F, 0xBC, 0xD8); // bsf bx,ax
            m.run();
            assertEquals(ZF, m.flags() & ZF);
            assertEquals(0x1234, m.r[EBX] & 0xFFFF);
        }

        @Test
        void bsrFindsTheHighestSetBit() {
            TestProgram m = new TestProgram().code(0xB8, 0xF0, 0x00, 0x0F, 0xBD, 0xD8);   // mov ax,F0h; bsr bx,ax
            m.run();
            assertEquals(7, m.r[EBX] & 0xFFFF);
            assertEquals(0, m.flags() & ZF);
        }

        @Test
        void bswapReversesBytes() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 0x78, 0x56, 0x34, 0x12, 0x0F, 0xC8);
            m.run();
            assertEquals(0x7856_3412, m.r[EAX]);
        }
    }

    @Nested
    class Exchange {
        @Test
        void cmpxchgStoresWhenEqual() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 5, 0, 0, 0, 0xB9, 9, 0, 0, 0,
                    0x0F, 0xB1, 0x0D, 0x00, 0x20, 0, 0);                             // cmpxchg [2000h],ecx
            m.mem.writeDword(0x2000, 5);
            m.run();
            assertEquals(9, m.dwordAt(0x2000));
            assertEquals(ZF, m.flags() & ZF);
        }

        @Test
        void cmpxchgLoadsTheAccumulatorWhenDifferent() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 5, 0, 0, 0, 0xB9, 9, 0, 0, 0,
                    0x0F, 0xB1, 0x0D, 0x00, 0x20, 0, 0);
            m.mem.writeDword(0x2000, 7);
            m.run();
            assertEquals(7, m.dwordAt(0x2000));
            assertEquals(7, m.r[EAX]);
            assertEquals(0, m.flags() & ZF);
        }

        @Test
        void xaddExchangesAndAdds() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 3, 0, 0, 0, 0xBB, 4, 0, 0, 0, 0x0F, 0xC1, 0xD8);
            m.run();
            assertEquals(7, m.r[EAX]);
            assertEquals(3, m.r[EBX]);
        }

        @Test
        void cmpxchg8bStoresEcxEbxWhenEqual() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 0x22, 0x22, 0x22, 0x22, 0xBA, 0x11, 0x11, 0x11, 0x11,
                    0xBB, 0x44, 0x44, 0x44, 0x44, 0xB9, 0x33, 0x33, 0x33, 0x33, 0x0F, 0xC7, 0x0D, 0x00, 0x20, 0, 0);
            m.mem.writeQword(0x2000, 0x1111_1111_2222_2222L);
            m.run();
            assertEquals(0x3333_3333_4444_4444L, m.mem.readQword(0x2000));
            assertEquals(ZF, m.flags() & ZF);
        }

        @Test
        void cmpxchg8bLoadsEdxEaxWhenDifferent() {
            TestProgram m = new TestProgram().flat32().code(0x0F, 0xC7, 0x0D, 0x00, 0x20, 0, 0);
            m.mem.writeQword(0x2000, 0x0123_4567_89AB_CDEFL);
            m.run();
            assertEquals(0x89AB_CDEF, m.r[EAX]);
            assertEquals(0x0123_4567, m.r[EDX]);
            assertEquals(0, m.flags() & ZF);
        }
    }

    @Nested
    class Conditions {
        @Test
        void cmovlMovesWhenLess() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 1, 0, 0, 0, 0xBB, 2, 0, 0, 0, 0x39, 0xD8, 0x0F, 0x4C, 0xC3);
            m.run();
            assertEquals(2, m.r[EAX]);
        }

        @Test
        void cmovgKeepsTheDestinationWhenNotGreater() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 1, 0, 0, 0, 0xBB, 2, 0, 0, 0, 0x39, 0xD8, 0x0F, 0x4F, 0xC3);
            m.run();
            assertEquals(1, m.r[EAX]);
        }

        @Test
        void setbStoresOneBelow() {
            TestProgram m = new TestProgram().flat32().code(0xB8, 1, 0, 0, 0, 0xBB, 2, 0, 0, 0, 0x39, 0xD8, 0x0F, 0x92, 0xC1);
            m.run();
            assertEquals(1, m.r[ECX] & 0xFF);
        }

        @Test
        void loopCountsCxDown() {
            TestProgram m = new TestProgram().code(0xB9, 0x05, 0x00, 0x31, 0xC0, 0x40, 0xE2, 0xFD); // 5 x inc ax
            m.run();
            assertEquals(5, m.r[EAX] & 0xFFFF);
            assertEquals(0, m.r[ECX] & 0xFFFF);
        }
    }

    @Nested
    class Fences {
        @Test
        void registerFormsRunAndMemoryFormsAreUndefined() {
            TestProgram fences = new TestProgram().code(0x0F, 0xAE, 0xE8, 0x0F, 0xAE, 0xF0, 0x0F, 0xAE, 0xF8,  // lfence; mfence; sfence
                    0xB0, 0x2A);                                                                            // mov al,2Ah
            fences.run();
            assertFalse(fences.faulted(CpuFault.UD));
            assertEquals(0x2A, fences.cpu.regs[EAX] & 0xFF);
            TestProgram clflush = new TestProgram().code(0x0F, 0xAE, 0x3E, 0x00, 0x20);                 // clflush [2000h]
            clflush.run();
            assertTrue(clflush.faulted(CpuFault.UD));
        }
    }

    @Nested
    class LockPrefix {
        @Test
        void lockWithARegisterDestinationIsUndefined() {
            TestProgram m = new TestProgram().code(0xF0, 0x01, 0xD8);                // lock add ax,bx
            m.run();
            assertTrue(m.faulted(CpuFault.UD));
        }

        @Test
        void lockOnMovIsUndefined() {
            TestProgram m = new TestProgram().code(0xF0, 0x89, 0x06, 0x00, 0x20);    // lock mov [2000h],ax
            m.run();
            assertTrue(m.faulted(CpuFault.UD));
        }

        @Test
        void lockedAddToMemoryRuns() {
            TestProgram m = new TestProgram().code(0xB8, 0x02, 0x00, 0xF0, 0x01, 0x06, 0x00, 0x20); // lock add [2000h],ax
            m.mem.writeWord(0x2000, 40);
            m.run();
            assertEquals(-1, m.interp.lastFaultVector());
            assertEquals(42, m.wordAt(0x2000));
        }
    }

    @Nested
    class SegmentLimits {
        @Test
        void wordAtOffsetFfffRaisesGp() {
            TestProgram m = new TestProgram().code(0x89, 0x06, 0xFF, 0xFF);          // mov [FFFFh],ax
            m.run();
            assertTrue(m.faulted(CpuFault.GP));
        }

        @Test
        void bpBasedWordAtOffsetFfffRaisesSs() {
            TestProgram m = new TestProgram().code(0xBD, 0xFF, 0xFF, 0x8B, 0x46, 0x00); // mov bp,FFFFh; mov ax,[bp]
            m.run();
            assertTrue(m.faulted(CpuFault.SS));
        }

        @Test
        void byteAtOffsetFfffIsInside() {
            TestProgram m = new TestProgram().code(0xA0, 0xFF, 0xFF);                // mov al,[FFFFh]
            m.mem.writeByte(0xFFFF, 0x5A);
            m.run();
            assertEquals(0x5A, m.r[EAX] & 0xFF);
        }

        @Test
        void anInstructionStraddlingOffsetFfffRaisesGp() {
            // jmp FFFEh; at FFFEh: mov ax,1234h (B8 34 12), whose last byte lies beyond the limit.
            TestProgram m = new TestProgram().code(0xE9, 0xFB, 0xEF);
            m.mem.writeByte(0xFFFE, 0xB8);
            m.mem.writeByte(0xFFFF, 0x34);
            m.run();
            assertTrue(m.faulted(CpuFault.GP));
            // The fault pushes FLAGS, CS and IP of the faulting instruction (SDM vol. 3, 20.1.4).
            assertEquals(0xFFFE, m.wordAt(TestProgram.STACK_TOP - 6));
            assertEquals(0, m.r[EAX] & 0xFFFF);
        }

        @Test
        void anInstructionEndingAtOffsetFfffRunsAndIpWrapsToZero() {
            // jmp FFFDh; at FFFDh: mov ax,1234h; the next instruction is at 0000h.
            TestProgram m = new TestProgram().code(0xE9, 0xFA, 0xEF);
            m.mem.writeByte(0xFFFD, 0xB8);
            m.mem.writeByte(0xFFFE, 0x34);
            m.mem.writeByte(0xFFFF, 0x12);
            m.mem.writeByte(0, TestProgram.HLT);
            m.run();
            assertEquals(0x1234, m.r[EAX] & 0xFFFF);
            assertEquals(-1, m.interp.lastFaultVector());
            assertEquals(1, m.cpu.eip);
        }
    }

    @Nested
    class Stack {
        @Test
        void aDwordPushAcrossTheStackLimitFaultsWithSpUnchanged() {
            // SP = 2: push eax writes SS:FFFEh..10001h, beyond the limit FFFFh: #SS(0), and SP
            // is still 2 when the fault pushes FLAGS, CS and IP (SDM vol. 2, PUSH; vol. 3, 20.1.4).
            TestProgram m = new TestProgram().code(0x66, 0x50);                      // push eax
            m.r[ESP] = 2;
            m.run();
            assertTrue(m.faulted(CpuFault.SS));
            assertEquals(0xFFFC, m.r[ESP] & 0xFFFF);
            assertEquals(TestProgram.CODE, m.wordAt(0xFFFC));                          // pushed IP = the push
        }

        @Test
        void pushSpPushesTheValueBeforeThePush() {
            TestProgram m = new TestProgram().code(0x54, 0x58);                      // push sp; pop ax
            m.run();
            assertEquals(TestProgram.STACK_TOP, m.r[EAX] & 0xFFFF);
        }

        @Test
        void callAndRetReturnToTheNextInstruction() {
            // call +1; hlt; (target:) mov al,7; ret
            TestProgram m = new TestProgram().code(0xE8, 0x01, 0x00, 0xF4, 0xB0, 0x07, 0xC3);
            m.run();
            assertEquals(7, m.r[EAX] & 0xFF);
            assertEquals(TestProgram.CODE + 4, m.cpu.eip);
            assertEquals(TestProgram.STACK_TOP, m.r[ESP]);
        }

        @Test
        void pushaPopaRestoreEverythingButSp() {
            TestProgram m = new TestProgram().code(0xB8, 1, 0, 0xBB, 2, 0, 0x60, 0x31, 0xC0, 0x31, 0xDB, 0x61);
            m.run();
            assertEquals(1, m.r[EAX] & 0xFFFF);
            assertEquals(2, m.r[EBX] & 0xFFFF);
            assertEquals(TestProgram.STACK_TOP, m.r[ESP]);
        }

        @Test
        void enterBuildsAFrameAndLeaveUndoesIt() {
            TestProgram m = new TestProgram().flat32().code(0xBD, 0x11, 0x11, 0, 0, 0xC8, 0x08, 0x00, 0x00); // enter 8,0
            m.run();
            assertEquals(TestProgram.STACK_TOP - 4, m.r[EBP]);
            assertEquals(TestProgram.STACK_TOP - 12, m.r[ESP]);
            assertEquals(0x1111, m.dwordAt(TestProgram.STACK_TOP - 4));
            TestProgram l = new TestProgram().flat32().code(0xBD, 0x11, 0x11, 0, 0, 0xC8, 0x08, 0x00, 0x00, 0xC9);
            l.run();
            assertEquals(0x1111, l.r[EBP]);
            assertEquals(TestProgram.STACK_TOP, l.r[ESP]);
        }

        @Test
        void enterWithLevelOneAlsoPushesTheFramePointer() {
            TestProgram m = new TestProgram().flat32().code(0xC8, 0x00, 0x00, 0x01);  // enter 0,1
            m.run();
            int frame = TestProgram.STACK_TOP - 4;
            assertEquals(frame, m.r[EBP]);
            assertEquals(frame - 4, m.r[ESP]);
            assertEquals(frame, m.dwordAt(frame - 4));
        }
    }

    @Nested
    class SelfModifyingCode {
        @Test
        void aStoreIntoCachedCodeTakesEffectOnTheNextFetch() {
            // mov cx,2; L: mov al,0; mov byte [L+1],42h; loop L   -> second pass runs "mov al,42h"
            TestProgram m = new TestProgram().code(0xB9, 0x02, 0x00, 0xB0, 0x00, 0xC6, 0x06, 0x04, 0x10, 0x42, 0xE2, 0xF7);
            m.run();
            assertEquals(0x42, m.r[EAX] & 0xFF);
            assertEquals(0, m.r[ECX] & 0xFFFF);
        }

        @Test
        void aSecondRunSeesBytesStoredByTheFirst() {
            TestProgram m = new TestProgram().code(0xB0, 0x00, 0xC6, 0x06, 0x01, 0x10, 0x42);
            m.run();
            assertEquals(0, m.r[EAX] & 0xFF);
            m.run();
            assertEquals(0x42, m.r[EAX] & 0xFF);
        }

        @Test
        void aMappingChangeDropsDecodedCode() {
            TestProgram m = new TestProgram().code(0xB0, 0x01);                      // mov al,1
            m.run();
            // Remap the code page onto other backing holding "mov al,5; hlt", as PAM shadowing can.
            long other = 0x8_0000;
            m.mem.writeBytes(other + (TestProgram.CODE & 0xFFF), new byte[] {(byte) 0xB0, 0x05, (byte) 0xF4}, 0, 3);
            m.mem.mapRam(TestProgram.CODE & ~0xFFF, 0x1000, other);
            m.mmu.flushAll();
            m.run();
            assertEquals(5, m.r[EAX] & 0xFF);
        }

        @Test
        void aDmaWriteIntoCodeIsSeen() {
            TestProgram m = new TestProgram().code(0xB0, 0x01);
            m.run();
            m.mem.writeBytes(TestProgram.CODE + 1, new byte[] {0x09}, 0, 1);
            m.run();
            assertEquals(9, m.r[EAX] & 0xFF);
        }
    }

    @Nested
    class ExternalInterrupts {
        /** Pending until acknowledged once, with vector 20h. */
        private static final class OneShot implements InterruptSource {
            boolean pending = true;

            @Override public boolean interruptPending() {
                return pending;
            }

            @Override public int acknowledgeInterrupt() {
                pending = false;
                return 0x20;
            }
        }

        @Test
        void stiDelaysRecognitionByOneInstruction() {
            TestProgram m = new TestProgram().code(0xFB, 0x90, 0x90, 0x90);          // sti; nop; nop; nop
            m.socket.intr = new OneShot();
            m.run();
            assertEquals(TestProgram.HANDLER + 1, m.cpu.eip);
            assertEquals(TestProgram.CODE + 2, m.wordAt(TestProgram.STACK_TOP - 6)); // after sti and one nop
        }

        @Test
        void aPendingInterruptEntersTheStiNopCliWindow() {
            TestProgram m = new TestProgram().code(0xFB, 0x90, 0xFA, 0x90);          // sti; nop; cli; nop
            m.socket.intr = new OneShot();
            m.run();
            assertEquals(TestProgram.HANDLER + 1, m.cpu.eip);
            assertEquals(TestProgram.CODE + 2, m.wordAt(TestProgram.STACK_TOP - 6)); // taken before the cli
        }

        @Test
        void singleSteppingGivesTheSameResultAsBursts() {
            int[] code = {0xB9, 0x05, 0x00, 0x31, 0xC0, 0x40, 0xE2, 0xFD};
            TestProgram a = new TestProgram().code(code);
            TestProgram b = new TestProgram().code(code);
            a.run();
            b.runStepwise();
            assertArrayEquals(a.r, b.r);
            assertEquals(a.flags(), b.flags());
        }

        @Test
        @DisplayName("an interrupt raised by an OUT is taken right after it, not at the end of the block")
        void anInterruptRaisedByOutIsTakenAfterIt() {
            TestProgram m = new TestProgram().code(0xFB, 0x90, 0xE6, 0x80, 0x40, 0x40); // sti; nop; out 80h, al; inc ax; inc ax
            OneShot src = new OneShot();
            src.pending = false;
            m.socket.intr = src;
            m.socket.io.register(0x80, 1, new javelin.softmmu.PortDevice() {
                @Override public int ioRead(int port, int size) {
                    return -1;
                }

                @Override public void ioWrite(int port, int size, int value) {
                    src.pending = true;              // the device raises its line: the board calls requestAttention
                    m.vcpu.requestAttention();
                }
            });
            m.run();
            assertEquals(TestProgram.HANDLER + 1, m.cpu.eip);
            assertEquals(TestProgram.CODE + 4, m.wordAt(TestProgram.STACK_TOP - 6));   // return address: after the OUT
            assertEquals(0, m.r[EAX] & 0xFFFF);
        }

        @Test
        void interruptsWaitWhileIfIsClear() {
            TestProgram m = new TestProgram().code(0xFA, 0x90);                      // cli; nop
            OneShot src = new OneShot();
            m.socket.intr = src;
            m.run();
            assertTrue(src.pending);
            assertEquals(TestProgram.CODE + 3, m.cpu.eip);
        }

        @Test
        void hltWakesOnAnInterrupt() {
            TestProgram m = new TestProgram().code(0xFB, 0xF4);                      // sti; hlt
            m.run();
            OneShot src = new OneShot();
            m.socket.intr = src;
            assertTrue(m.interp.run(10) > 0);
            assertFalse(src.pending);
        }
    }

    @Nested
    class Tracing {
        @Test
        void theTracerSeesEveryInstruction() {
            TestProgram m = new TestProgram().code(0x90, 0x90);
            int[] seen = {0};
            m.interp.setTracer((cpu, insn) -> seen[0]++);
            m.run();
            assertEquals(3, seen[0]);                                                // nop, nop, hlt
        }
    }
}
