package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.machine.MachineControl;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The status bar's arithmetic and wording: MIPS from counters, activity-light timing, texts. */
class StatusLogicTest {
    private static final long SECOND = 1_000_000_000L;

    @Nested
    class Mips {
        private final MipsMeter meter = new MipsMeter();

        @Test
        void theFirstSampleHasNoRate() {
            assertArrayEquals(new double[0], meter.sample(new long[] {5_000_000}, SECOND));
        }

        @Test
        void rateIsInstructionsPerSecondInMillionsPerVcpu() {
            meter.sample(new long[] {10_000_000, 0}, SECOND);
            double[] mips = meter.sample(new long[] {60_000_000, 2_500_000}, SECOND + SECOND / 2);
            assertArrayEquals(new double[] {100.0, 5.0}, mips, 1e-9);     // 50 M and 2.5 M in 0.5 s
        }

        @Test
        void aCounterGoingBackwardsOrAVcpuCountChangeGivesNoRate() {
            meter.sample(new long[] {10_000_000}, SECOND);
            assertArrayEquals(new double[0], meter.sample(new long[] {5}, 2 * SECOND));
            assertArrayEquals(new double[0], meter.sample(new long[] {10, 10}, 3 * SECOND));
        }
    }

    @Nested
    class Light {
        private final ActivityLight light = new ActivityLight();

        @Test
        void darkUntilTheCounterChanges() {
            assertFalse(light.update(4096, 0));
            assertFalse(light.update(4096, SECOND / 4));
        }

        @Test
        void litForTwoHundredMillisecondsAfterAChange() {
            light.update(0, 0);
            assertTrue(light.update(2048, SECOND));
            assertTrue(light.update(2048, SECOND + 200_000_000L));
            assertFalse(light.update(2048, SECOND + 250_000_000L));
        }

        @Test
        void eachChangeRestartsTheHold() {
            light.update(0, 0);
            light.update(1, SECOND);
            assertTrue(light.update(2, SECOND + 150_000_000L));
            assertTrue(light.update(2, SECOND + 300_000_000L));
        }
    }

    @Nested
    class Texts {
        @Test
        void mipsHasOneDecimalBelowAHundredAndNoneFromAHundred() {
            assertEquals("42.5 MIPS", StatusBar.mips(42.46));
            assertEquals("128 MIPS", StatusBar.mips(127.6));
        }

        @Test
        void severalVcpusAreNamed() {
            assertEquals("12.0 MIPS", StatusBar.mipsText(new double[] {12}));
            assertEquals("vCPU0 12.0 MIPS  vCPU1 3.5 MIPS", StatusBar.mipsText(new double[] {12, 3.5}));
            assertEquals("", StatusBar.mipsText(new double[0]));
        }

        @Test
        void runStates() {
            assertEquals("Running", StatusBar.stateText(MachineControl.RunState.RUNNING));
            assertEquals("Paused", StatusBar.stateText(MachineControl.RunState.PAUSED));
            assertEquals("Powered off", StatusBar.stateText(MachineControl.RunState.SHUTDOWN));
        }

        @Test
        void titleSaysHowToReleaseTheGrabAndThatTheMachineIsPaused() {
            assertEquals("Javelin", WindowTitle.of("Javelin", false, false));
            assertEquals("Javelin - Press Ctrl+Alt+G to release grab", WindowTitle.of("Javelin", true, false));
            assertEquals("Javelin [Paused]", WindowTitle.of("Javelin", false, true));
            assertEquals("Javelin - Press Ctrl+Alt+G to release grab [Paused]", WindowTitle.of("Javelin", true, true));
        }
    }
}
