package javelin.devices.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Mode 3 of the 8254 gives OUT high for (N+1)/2 and low for (N−1)/2 ticks of 1/1,193,182 s, a
 * frequency of 1,193,182/N Hz; at 44,100 samples per second one sample spans 27.056 PIT ticks.
 */
class SquareWaveTest {
    private static int fallingEdges(short[] s) {
        int n = 0;
        for (int i = 1; i < s.length; i++) if (s[i - 1] > 0 && s[i] < 0) n++;
        return n;
    }

    @Test
    void divisor1193GivesOneThousandCyclesPerSecond() {
        short[] second = new short[44_100];
        new SquareWave(44_100, (short) 1000).fill(second, 1193);
        assertEquals(1000, fallingEdges(second));
    }

    @Test
    void divisor2712GivesConcertA() {
        short[] second = new short[44_100];
        new SquareWave(44_100, (short) 1000).fill(second, 2712);
        assertEquals(440, fallingEdges(second));
    }

    @Test
    void firstHighHalfLastsFor597TicksOfTheOddDivisor() {
        short[] s = new short[100];
        new SquareWave(44_100, (short) 1000).fill(s, 1193);
        // 597 ticks = 22.07 sample periods: samples 0..22 start inside the high half.
        for (int i = 0; i <= 22; i++) assertEquals(1000, s[i], "sample " + i);
        assertEquals(-1000, s[23]);
    }

    @Test
    void wavesContinueAcrossBuffers() {
        short[] whole = new short[1000];
        new SquareWave(44_100, (short) 1000).fill(whole, 2712);
        SquareWave split = new SquareWave(44_100, (short) 1000);
        short[] a = new short[300], b = new short[700];
        split.fill(a, 2712);
        split.fill(b, 2712);
        short[] joined = new short[1000];
        System.arraycopy(a, 0, joined, 0, 300);
        System.arraycopy(b, 0, joined, 300, 700);
        assertArrayEquals(whole, joined);
    }

    @Test
    void periodZeroIsSilence() {
        short[] s = new short[64];
        java.util.Arrays.fill(s, (short) 5);
        new SquareWave(44_100, (short) 1000).fill(s, 0);
        assertArrayEquals(new short[64], s);
    }
}
