package javelin.devices.apic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.ManualClock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Several vCPU threads sending IPIs to one vCPU that polls its APIC without the lock, as the CPU
 * does between blocks, and sleeps until woken when nothing is pending (as in HLT).
 */
class LocalApicStressTest {
    private static final int PER_SENDER = 3000;
    private static final int[] VECTORS = {0x50, 0x60, 0x70};

    @Test
    @DisplayName("[APIC-1][APIC-2] no IPI sent by another thread is lost, and the target always wakes")
    void everyIpiIsAcknowledgedExactlyOnce() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        AtomicReference<Thread> receiverThread = new AtomicReference<>();
        CpuPins receiverPins = new CpuPins() {
            @Override public void init() { }
            @Override public void startup(int vector) { }
            @Override public void nmi() { }
            @Override public void wake() { LockSupport.unpark(receiverThread.get()); }
        };
        ManualClock clock = new ManualClock();
        lock.lock();
        ApicBus bus = new ApicBus(lock);
        LocalApic target = new LocalApic(bus, 0, true, clock, InterruptSource.NONE, receiverPins);
        List<LocalApic> senders = new ArrayList<>();
        for (int i = 1; i <= VECTORS.length; i++) {
            senders.add(new LocalApic(bus, i, false, clock, InterruptSource.NONE, CpuPins.NONE));
        }
        for (LocalApic a : bus.apics()) a.mmioWrite(LocalApic.REG_SVR, 4, 0x1FF);
        target.mmioWrite(LocalApic.REG_LVT_LINT0, 4, 0x1_0700);
        lock.unlock();

        AtomicIntegerArray acknowledged = new AtomicIntegerArray(256);
        AtomicIntegerArray spurious = new AtomicIntegerArray(1);
        int total = PER_SENDER * VECTORS.length;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);

        Thread receiver = new Thread(() -> {
            bus.bindCurrentThread(target);
            int received = 0;
            while (received < total && System.nanoTime() < deadline) {
                if (!target.interruptPending()) {
                    // Backstop only: a rising flag unparks us ([APIC-2]).
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                    continue;
                }
                lock.lock();
                try {
                    int v = target.acknowledgeInterrupt();
                    if (v == 0xFF) {
                        spurious.incrementAndGet(0);
                    } else {
                        acknowledged.incrementAndGet(v);
                        received++;
                        target.mmioWrite(LocalApic.REG_EOI, 4, 0);
                    }
                } finally {
                    lock.unlock();
                }
            }
        }, "vcpu0");
        receiverThread.set(receiver);

        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < VECTORS.length; i++) {
            LocalApic self = senders.get(i);
            int vector = VECTORS[i];
            threads.add(new Thread(() -> {
                bus.bindCurrentThread(self);
                for (int sent = 0; sent < PER_SENDER && System.nanoTime() < deadline; sent++) {
                    // Wait for the previous one: a second IPI of a vector already in IRR merges.
                    while (acknowledged.get(vector) < sent && System.nanoTime() < deadline) Thread.yield();
                    lock.lock();
                    try {
                        self.mmioWrite(LocalApic.REG_ICR_HIGH, 4, 0);
                        self.mmioWrite(LocalApic.REG_ICR_LOW, 4, 0x4000 | vector);
                    } finally {
                        lock.unlock();
                    }
                }
            }, "vcpu" + (i + 1)));
        }
        receiver.start();
        for (Thread t : threads) t.start();
        for (Thread t : threads) t.join();
        receiver.join();

        assertFalse(System.nanoTime() >= deadline, "timed out");
        for (int vector : VECTORS) assertEquals(PER_SENDER, acknowledged.get(vector), "vector " + vector);
        assertEquals(0, spurious.get(0), "the poll said pending but INTA found nothing");
    }
}
