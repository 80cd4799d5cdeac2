package javelin.ui.audio;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import javelin.devices.audio.PcSpeaker;
import javelin.devices.audio.SquareWave;
import org.lwjgl.openal.AL;
import org.lwjgl.openal.AL10;
import org.lwjgl.openal.ALC;
import org.lwjgl.openal.ALC10;
import org.lwjgl.openal.ALCCapabilities;

/**
 * Plays a {@link PcSpeaker} through OpenAL (OpenAL Soft, bundled with LWJGL): a streaming source
 * fed with {@link SquareWave} buffers by a daemon thread that tops the queue up every few
 * milliseconds. This is host output, not device state: it reads the speaker's tone without the
 * machine lock and never touches the guest.
 *
 * <p>With no audio device (no sound card, {@code ALSOFT_DRIVERS=null} in tests, or the natives
 * failing to load) {@link #open} logs once and returns a silent output; nothing else fails.
 *
 * <p>Threading: {@link #open} and {@link #close} from the machine's owner thread; the pump runs
 * on its own thread and is the only user of the OpenAL context.
 */
public final class OpenAlSpeakerOutput implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OpenAlSpeakerOutput.class.getName());

    static final int SAMPLE_RATE = 44_100;
    static final int BUFFER_SAMPLES = 512;          // 11.6 ms each
    static final int BUFFER_COUNT = 4;              // ~46 ms of latency at most
    static final short AMPLITUDE = 6_000;           // a quiet square wave; full scale is harsh
    private static final long PUMP_INTERVAL_NANOS = 4_000_000;

    private final PcSpeaker speaker;
    private final SquareWave wave = new SquareWave(SAMPLE_RATE, AMPLITUDE);
    private final short[] samples = new short[BUFFER_SAMPLES];
    private final long device;                      // 0 = silent
    private final long context;
    private final boolean ownsDevice;
    private int source;
    private Thread pump;
    private volatile boolean closed;

    private OpenAlSpeakerOutput(PcSpeaker speaker, long device, long context, boolean ownsDevice) {
        this.speaker = Objects.requireNonNull(speaker);
        this.device = device;
        this.context = context;
        this.ownsDevice = ownsDevice;
    }

    /** Opens the default audio device and starts playing; silent if there is none. */
    public static OpenAlSpeakerOutput open(PcSpeaker speaker) {
        long device = 0;
        try {
            device = ALC10.alcOpenDevice((CharSequence) null);
            if (device == 0) {
                LOG.log(System.Logger.Level.DEBUG, "no audio device: the PC speaker is silent");
                return new OpenAlSpeakerOutput(speaker, 0, 0, false);
            }
            long context = ALC10.alcCreateContext(device, (int[]) null);
            if (context == 0) {
                ALC10.alcCloseDevice(device);
                LOG.log(System.Logger.Level.INFO, "cannot create an OpenAL context: the PC speaker is silent");
                return new OpenAlSpeakerOutput(speaker, 0, 0, false);
            }
            OpenAlSpeakerOutput out = new OpenAlSpeakerOutput(speaker, device, context, true);
            out.pump = Thread.ofPlatform().daemon().name("pc-speaker").start(out::runPump);
            return out;
        } catch (LinkageError | RuntimeException e) {
            if (device != 0) ALC10.alcCloseDevice(device);
            LOG.log(System.Logger.Level.INFO, "OpenAL unavailable: the PC speaker is silent", e);
            return new OpenAlSpeakerOutput(speaker, 0, 0, false);
        }
    }

    /** An output on a device and context the caller owns (the loopback device in tests); no thread. */
    static OpenAlSpeakerOutput onContext(PcSpeaker speaker, long device, long context) {
        OpenAlSpeakerOutput out = new OpenAlSpeakerOutput(speaker, device, context, false);
        out.bind();
        return out;
    }

    /** True when sound actually goes to a device. */
    public boolean isAudible() {
        return device != 0;
    }

    private void bind() {
        ALCCapabilities alc = ALC.createCapabilities(device);
        ALC10.alcMakeContextCurrent(context);
        AL.createCapabilities(alc);
        source = AL10.alGenSources();
        for (int i = 0; i < BUFFER_COUNT; i++) {
            int buffer = AL10.alGenBuffers();
            fillAndQueue(buffer);
        }
        AL10.alSourcePlay(source);
    }

    private void runPump() {
        try {
            bind();
            while (!closed) {
                pumpOnce();
                LockSupport.parkNanos(PUMP_INTERVAL_NANOS);
            }
            releaseSource();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "PC speaker output stopped", e);
        } finally {
            ALC10.alcMakeContextCurrent(0);
            ALC10.alcDestroyContext(context);
            ALC10.alcCloseDevice(device);
        }
    }

    /** Refills every buffer the source has finished playing; restarts it after an underrun. */
    void pumpOnce() {
        int processed = AL10.alGetSourcei(source, AL10.AL_BUFFERS_PROCESSED);
        for (int i = 0; i < processed; i++) {
            fillAndQueue(AL10.alSourceUnqueueBuffers(source));
        }
        if (AL10.alGetSourcei(source, AL10.AL_SOURCE_STATE) != AL10.AL_PLAYING) AL10.alSourcePlay(source);
    }

    private void fillAndQueue(int buffer) {
        wave.fill(samples, speaker.tonePeriodTicks());
        AL10.alBufferData(buffer, AL10.AL_FORMAT_MONO16, samples, SAMPLE_RATE);
        AL10.alSourceQueueBuffers(source, buffer);
    }

    @Override public void close() {
        closed = true;
        Thread t = pump;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!ownsDevice && device != 0 && source != 0) releaseSource();
    }

    /** Stops the source and frees it and its buffers (stopping marks every buffer processed). */
    private void releaseSource() {
        AL10.alSourceStop(source);
        int queued = AL10.alGetSourcei(source, AL10.AL_BUFFERS_PROCESSED);
        for (int i = 0; i < queued; i++) AL10.alDeleteBuffers(AL10.alSourceUnqueueBuffers(source));
        AL10.alDeleteSources(source);
        source = 0;
    }
}
