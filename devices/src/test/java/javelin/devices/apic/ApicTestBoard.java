package javelin.devices.apic;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.ManualClock;

/**
 * A small APIC board for tests: a machine lock held by the test thread, a bus, n local APICs
 * (APIC ID = index, index 0 the BSP with the fake 8259A on LINT0), an I/O APIC, and pins that
 * record what each core was told.
 */
final class ApicTestBoard {
    final ReentrantLock lock = new ReentrantLock();
    final ManualClock clock;
    final ApicBus bus;
    final FakePic pic = new FakePic();
    final List<LocalApic> apics = new ArrayList<>();
    final List<RecordingPins> pins = new ArrayList<>();
    final IoApic ioApic;

    ApicTestBoard(int cpus) {
        this(cpus, new ManualClock());
    }

    ApicTestBoard(int cpus, ManualClock clock) {
        this.clock = clock;
        lock.lock();
        bus = new ApicBus(lock);
        for (int i = 0; i < cpus; i++) {
            RecordingPins p = new RecordingPins();
            pins.add(p);
            apics.add(new LocalApic(bus, i, i == 0, clock, i == 0 ? pic : InterruptSource.NONE, p));
        }
        ioApic = new IoApic(bus);
    }

    LocalApic apic(int i) { return apics.get(i); }

    /** A 32-bit guest read of a local APIC register. */
    int read(int cpu, int reg) { return (int) apic(cpu).mmioRead(reg, 4); }

    /** A 32-bit guest write of a local APIC register. */
    void write(int cpu, int reg, int value) { apic(cpu).mmioWrite(reg, 4, Integer.toUnsignedLong(value)); }

    /** Sets SVR: APIC software enabled, spurious vector 0xFF. */
    void enable(int cpu) { write(cpu, LocalApic.REG_SVR, 0x1FF); }

    /** Sends an IPI from {@code cpu}: ICR high then ICR low, as the SDM prescribes. */
    void ipi(int cpu, int destination, int icrLow) {
        write(cpu, LocalApic.REG_ICR_HIGH, destination << 24);
        write(cpu, LocalApic.REG_ICR_LOW, icrLow);
    }

    /** Whether {@code vector} is set in one of the 256-bit registers at {@code base} (IRR, ISR, TMR). */
    boolean bit(int cpu, int base, int vector) {
        return (read(cpu, base + (vector >>> 5) * 0x10) & (1 << (vector & 31))) != 0;
    }

    int ioRead(int index) {
        ioApic.mmioWrite(IoApic.REG_IOREGSEL, 4, index);
        return (int) ioApic.mmioRead(IoApic.REG_IOWIN, 4);
    }

    void ioWrite(int index, int value) {
        ioApic.mmioWrite(IoApic.REG_IOREGSEL, 4, index);
        ioApic.mmioWrite(IoApic.REG_IOWIN, 4, Integer.toUnsignedLong(value));
    }

    /** Programs redirection entry {@code n}: high dword first, as guests do to avoid a window. */
    void route(int n, int low, int destination) {
        ioWrite(0x11 + 2 * n, destination << 24);
        ioWrite(0x10 + 2 * n, low);
    }

    static final class FakePic implements InterruptSource {
        boolean pending;
        int vector;
        int acknowledged;

        @Override public boolean interruptPending() { return pending; }

        @Override public int acknowledgeInterrupt() {
            acknowledged++;
            pending = false;
            return vector;
        }
    }

    static final class RecordingPins implements CpuPins {
        int inits;
        final List<Integer> startups = new ArrayList<>();
        int nmis;
        int wakes;

        @Override public void init() { inits++; }

        @Override public void startup(int vector) { startups.add(vector); }

        @Override public void nmi() { nmis++; }

        @Override public void wake() { wakes++; }
    }
}
