package javelin.cpu.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values are the published extended-precision encodings (SDM vol. 1, 4.2.2 and
 * chapter 8) and decimal facts rounded by hand (1/3 = 0.0101...b, sqrt 2 = 1.6A09E667F3BCC908
 * B2FB...h), not outputs of this code.
 */
class Float80MathTest {
    private Float80Math m;

    @BeforeEach
    void setUp() {
        m = new Float80Math();
        m.setControlWord(Fpu.CW_INIT);
    }

    private static Float80 v(int se, long sig) {
        return new Float80(se, sig);
    }

    private static final Float80 ONE = v(0x3FFF, 0x8000_0000_0000_0000L);
    private static final Float80 TWO = v(0x4000, 0x8000_0000_0000_0000L);
    private static final Float80 THREE = v(0x4000, 0xC000_0000_0000_0000L);

    @Nested
    class Arithmetic {
        @Test
        void onePlusOneIsTwoExactly() {
            assertEquals(TWO, m.add(ONE, ONE));
            assertEquals(0, m.flags);
        }

        @Test
        void oneThirdRoundsUpToNearestAndIsInexact() {
            assertEquals(v(0x3FFD, 0xAAAA_AAAA_AAAA_AAABL), m.div(ONE, THREE));
            assertEquals(Float80Math.PE | Float80Math.C1, m.flags);
        }

        @Test
        void oneThirdChoppedKeepsTheTruncatedSignificand() {
            m.setControlWord(Fpu.CW_INIT | 0x0C00);
            assertEquals(v(0x3FFD, 0xAAAA_AAAA_AAAA_AAAAL), m.div(ONE, THREE));
            assertEquals(Float80Math.PE, m.flags);
        }

        @Test
        void precisionControl24RoundsTheSignificandButNotTheExponentRange() {
            m.setControlWord(Fpu.CW_INIT & ~0x0300);
            assertEquals(v(0x3FFD, 0xAAAA_AB00_0000_0000L), m.div(ONE, THREE));
        }

        @Test
        void squareRootOfTwoIsCorrectlyRounded() {
            assertEquals(v(0x3FFF, 0xB504_F333_F9DE_6484L), m.sqrt(TWO));
        }

        @Test
        void exactDifferenceOfEqualValuesIsPositiveZeroExceptRoundingDown() {
            assertEquals(Float80.POS_ZERO, m.sub(THREE, THREE));
            m.setControlWord(Fpu.CW_INIT | 0x0400);
            assertEquals(Float80.NEG_ZERO, m.sub(THREE, THREE));
        }

        @Test
        void divisionByZeroGivesSignedInfinityAndZe() {
            assertEquals(Float80.NEG_INF, m.div(ONE.negate(), Float80.POS_ZERO));
            assertEquals(Float80Math.ZE, m.flags);
        }

        @Test
        void invalidOperationsGiveTheRealIndefinite() {
            assertEquals(Float80.INDEFINITE, m.sub(Float80.POS_INF, Float80.POS_INF));
            assertEquals(Float80.INDEFINITE, m.mul(Float80.POS_ZERO, Float80.NEG_INF));
            assertEquals(Float80.INDEFINITE, m.div(Float80.POS_ZERO, Float80.NEG_ZERO));
            assertEquals(Float80.INDEFINITE, m.sqrt(ONE.negate()));
            assertEquals(Float80Math.IE, m.flags);
        }

        @Test
        void overflowMaskedRoundsToInfinityOrLargestFinite() {
            Float80 big = v(0x7FFE, 0xC000_0000_0000_0000L);
            assertEquals(Float80.POS_INF, m.add(big, big));
            m.setControlWord(Fpu.CW_INIT | 0x0C00);
            m.flags = 0;
            assertEquals(v(0x7FFE, -1L), m.add(big, big));
            assertEquals(Float80Math.OE | Float80Math.PE, m.flags);
        }

        @Test
        void unmaskedOverflowWrapsTheExponentBy24576() {
            m.setControlWord(Fpu.CW_INIT & ~Float80Math.OE);
            Float80 big = v(0x7FFE, 0x8000_0000_0000_0000L);
            assertEquals(v(0x7FFF - 24576, 0x8000_0000_0000_0000L), m.add(big, big));
            assertEquals(Float80Math.OE, m.flags);
        }

        @Test
        void maskedUnderflowDenormalizesAndFlagsOnlyWhenInexact() {
            Float80 tiny = v(0x0001, 0x8000_0000_0000_0000L);
            assertEquals(v(0x0000, 0x4000_0000_0000_0000L), m.div(tiny, TWO));
            assertEquals(0, m.flags);
            assertEquals(v(0x0000, 0x2AAA_AAAA_AAAA_AAABL), m.div(tiny, THREE));
            assertEquals(Float80Math.UE | Float80Math.PE | Float80Math.C1, m.flags);
        }
    }

    @Nested
    class NaNs {
        private final Float80 snan = v(0x7FFF, 0x8000_0000_0000_0001L);
        private final Float80 qnanSmall = v(0x7FFF, 0xC000_0000_0000_0001L);
        private final Float80 qnanLarge = v(0xFFFF, 0xC000_0000_0000_0002L);

        @Test
        void signalingNaNIsQuietedWithIe() {
            assertEquals(snan.quiet(), m.add(snan, ONE));
            assertEquals(Float80Math.IE, m.flags);
        }

        @Test
        void largerSignificandWinsBetweenTwoQuietNaNs() {
            assertEquals(qnanLarge, m.mul(qnanSmall, qnanLarge));
            assertEquals(0, m.flags);
        }

        @Test
        void quietNaNWinsOverSignalingNaN() {
            assertEquals(qnanSmall, m.add(snan, qnanSmall));
        }

        @Test
        void unsupportedEncodingIsAnInvalidOperand() {
            Float80 unnormal = v(0x3FFF, 0x4000_0000_0000_0000L);
            assertEquals(Float80.INDEFINITE, m.add(unnormal, ONE));
            assertEquals(Float80Math.IE, m.flags);
        }
    }

    @Nested
    class Conversions {
        @Test
        void singleOneWidensToExtendedOne() {
            assertEquals(ONE, m.widen(0x3F80_0000L, Float80Math.Format.SINGLE));
        }

        @Test
        void singleDenormalWidensNormalizedWithDe() {
            // 2^-149, the smallest single denormal
            assertEquals(v(0x3FFF - 149, 0x8000_0000_0000_0000L), m.widen(1, Float80Math.Format.SINGLE));
            assertEquals(Float80Math.DE, m.flags);
        }

        @Test
        void oneThirdNarrowsToTheDoubleNearestOneThird() {
            Float80 third = m.div(ONE, THREE);
            m.flags = 0;
            assertEquals(0x3FD5_5555_5555_5555L, m.narrow(third, Float80Math.Format.DOUBLE));
            assertEquals(Float80Math.PE, m.flags);
        }

        @Test
        void integerStoreRoundsHalfwayToEvenInNearestMode() {
            Float80 twoAndHalf = v(0x4000, 0xA000_0000_0000_0000L);
            assertEquals(2, m.toInteger(twoAndHalf, 32));
            m.setControlWord(Fpu.CW_INIT | 0x0800);
            assertEquals(3, m.toInteger(twoAndHalf, 32));
            m.setControlWord(Fpu.CW_INIT | 0x0400);
            assertEquals(-3, m.toInteger(twoAndHalf.negate(), 16));
        }

        @Test
        void outOfRangeIntegerStoreGivesTheIntegerIndefinite() {
            Float80 big = v(0x3FFF + 15, 0x8000_0000_0000_0000L);   // 32768
            assertEquals((short) 0x8000, (short) m.toInteger(big, 16));
            assertEquals(Float80Math.IE, m.flags);
            assertEquals(-32768, m.toInteger(big.negate(), 16));
        }

        @Test
        void packedBcdRoundTrips() {
            byte[] bcd = {0x45, 0x23, 0x01, 0, 0, 0, 0, 0, 0, (byte) 0x80};
            Float80 x = Float80Math.fromBcd(bcd, 0);
            assertEquals(Float80Math.fromLong(-12345), x);
            byte[] out = new byte[10];
            m.toBcd(x, out, 0);
            assertArrayEquals(bcd, out);
        }

        @Test
        void bcdOverflowStoresTheBcdIndefinite() {
            byte[] out = new byte[10];
            m.toBcd(v(0x3FFF + 63, 0x8000_0000_0000_0000L), out, 0);
            assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) 0xC0, (byte) 0xFF, (byte) 0xFF}, out);
            assertTrue((m.flags & Float80Math.IE) != 0);
        }
    }

    @Nested
    class Remainders {
        @Test
        void fpremTruncatesAndFprem1RoundsTheQuotient() {
            Float80 seven = Float80Math.fromLong(7), two = TWO;
            assertEquals(ONE, m.partialRemainder(seven, two, false));      // 7 = 3*2 + 1
            assertEquals(3, m.remQuotient);
            assertEquals(ONE.negate(), m.partialRemainder(seven, two, true)); // 7 = 4*2 - 1
            assertEquals(4, m.remQuotient);
        }

        @Test
        void largeExponentDifferenceGivesAnIncompleteReduction() {
            Float80 huge = v(0x3FFF + 200, 0x8000_0000_0000_0001L);
            m.partialRemainder(huge, THREE, false);
            assertTrue(m.remIncomplete);
        }

        @Test
        void roundToIntegerHonoursRoundingControl() {
            Float80 x = v(0x3FFF, 0xC000_0000_0000_0000L);   // 1.5
            assertEquals(TWO, m.roundToInteger(x));
            m.setControlWord(Fpu.CW_INIT | 0x0C00);
            assertEquals(ONE, m.roundToInteger(x));
        }
    }
}
