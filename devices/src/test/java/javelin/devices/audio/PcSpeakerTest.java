package javelin.devices.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The speaker sounds when OUT2 oscillates and port 61h bit 1 is set (PC/AT Technical Reference). */
class PcSpeakerTest {
    private final PcSpeaker speaker = new PcSpeaker();

    @Nested
    class Tone {
        @Test
        void squareWaveWithGateAndDataSounds() {
            speaker.counter2Changed(3, 1193, true);
            speaker.setDataEnable(true);
            assertEquals(1193, speaker.tonePeriodTicks());
        }

        @Test
        void dataBitClearIsSilent() {
            speaker.counter2Changed(3, 1193, true);
            assertEquals(0, speaker.tonePeriodTicks());
        }

        @Test
        void gateLowIsSilent() {
            speaker.setDataEnable(true);
            speaker.counter2Changed(3, 1193, false);
            assertEquals(0, speaker.tonePeriodTicks());
        }

        @Test
        void oneShotModeIsSilent() {
            speaker.setDataEnable(true);
            speaker.counter2Changed(0, 1193, true);
            assertEquals(0, speaker.tonePeriodTicks());
        }

        @Test
        void ultrasonicPeriodIsSilent() {
            speaker.setDataEnable(true);
            speaker.counter2Changed(3, 40, true);
            assertEquals(0, speaker.tonePeriodTicks(), "29.8 kHz");
        }
    }

    @Nested
    class Snapshot {
        @Test
        void roundTripThroughJsonRestoresTheTone() throws Exception {
            speaker.counter2Changed(3, 2712, true);
            speaker.setDataEnable(true);
            PcSpeaker.State saved = speaker.saveState();
            ObjectMapper json = new ObjectMapper();
            PcSpeaker.State read = json.readValue(json.writeValueAsString(saved), PcSpeaker.State.class);
            PcSpeaker fresh = new PcSpeaker();
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
            assertEquals(2712, fresh.tonePeriodTicks());
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            speaker.restoreState(fixture("speaker-v1.json", PcSpeaker.State.class));
            assertEquals(2712, speaker.tonePeriodTicks());
        }
    }
}
