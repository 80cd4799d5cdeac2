package javelin.ui.audio;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.devices.audio.PcSpeaker;
import org.junit.jupiter.api.Test;
import org.lwjgl.openal.ALC10;
import org.lwjgl.openal.SOFTLoopback;

/** Runs with ALSOFT_DRIVERS=null (set by the ui pom): no sound card is needed. */
class OpenAlSpeakerOutputTest {
    @Test
    void nullDriverOpensAndClosesWithoutError() {
        PcSpeaker speaker = new PcSpeaker();
        speaker.counter2Changed(3, 1193, true);
        speaker.setDataEnable(true);
        assertDoesNotThrow(() -> {
            try (OpenAlSpeakerOutput out = OpenAlSpeakerOutput.open(speaker)) {
                assertTrue(out.isAudible(), "OpenAL Soft's null driver is a device");
            }
        });
    }

    @Test
    void loopbackDeviceRendersTheTone() {
        long device = SOFTLoopback.alcLoopbackOpenDeviceSOFT((CharSequence) null);
        assertNotEquals(0, device, "OpenAL Soft loopback device");
        int[] attributes = {
            SOFTLoopback.ALC_FORMAT_CHANNELS_SOFT, SOFTLoopback.ALC_MONO_SOFT,
            SOFTLoopback.ALC_FORMAT_TYPE_SOFT, SOFTLoopback.ALC_SHORT_SOFT,
            ALC10.ALC_FREQUENCY, OpenAlSpeakerOutput.SAMPLE_RATE, 0};
        long context = ALC10.alcCreateContext(device, attributes);
        try {
            PcSpeaker speaker = new PcSpeaker();
            speaker.counter2Changed(3, 2712, true);
            speaker.setDataEnable(true);
            try (OpenAlSpeakerOutput out = OpenAlSpeakerOutput.onContext(speaker, device, context)) {
                int samples = OpenAlSpeakerOutput.SAMPLE_RATE / 2;
                short[] rendered = new short[samples];
                short[] chunk = new short[OpenAlSpeakerOutput.BUFFER_SAMPLES];
                for (int at = 0; at < samples; at += chunk.length) {
                    SOFTLoopback.alcRenderSamplesSOFT(device, chunk, chunk.length);
                    System.arraycopy(chunk, 0, rendered, at, Math.min(chunk.length, samples - at));
                    out.pumpOnce();
                }
                // Half-amplitude hysteresis: OpenAL Soft dithers silence by ±1 before the first buffer plays.
                int falling = 0, threshold = OpenAlSpeakerOutput.AMPLITUDE / 2;
                boolean high = false;
                for (short v : rendered) {
                    if (v > threshold) high = true;
                    if (v < -threshold && high) {
                        high = false;
                        falling++;
                    }
                }
                assertEquals(220, falling, 2, "439.96 Hz for half a second");
            }
        } finally {
            ALC10.alcMakeContextCurrent(0);
            ALC10.alcDestroyContext(context);
            ALC10.alcCloseDevice(device);
        }
    }
}
