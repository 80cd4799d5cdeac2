package javelin.devices.apic;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import javelin.softmmu.MmioHandler;

/**
 * The APIC bus of one machine (on Pentium 4 and later the system bus): the set of local APICs,
 * the interrupt messages the I/O APIC and the local APICs' ICRs send over it, and the EOI
 * broadcast back to the I/O APIC. Source: Intel SDM vol. 3A, "Determining IPI Destination"
 * (physical, logical flat and cluster destination modes, broadcast) and "Lowest Priority Delivery
 * Mode".
 *
 * <p>Choices: messages are delivered at once, so an ICR's or a redirection entry's delivery status
 * always reads idle. Lowest-priority arbitration picks the matched, enabled local APIC with the
 * lowest TPR, ties going to the lowest APIC ID (the SDM leaves the tie-break to the model; the
 * focus-processor rule is not modelled). Destination 0xFF is a broadcast in every mode.
 *
 * <p>Threading and invariants (see {@code LocalApicStressTest}):
 * <ul>
 * <li>[APIC-1] Everything on the bus (MMIO of any APIC, IPIs, I/O APIC inputs, timer callbacks,
 *     the INTA cycle) runs with the machine lock held, so one vCPU's IPI to another never races
 *     the target's own register accesses. Why the machine lock and not a per-APIC lock: an IPI
 *     touches two APICs and an EOI touches a local APIC and the I/O APIC, which re-delivers to
 *     local APICs; per-chip locks would need a lock order that these cycles break, and the MMIO
 *     and timer paths already hold the machine lock (DESIGN.md, "Memory and threads").</li>
 * <li>[APIC-2] The only access without the lock is a vCPU polling its own APIC's
 *     {@link LocalApic#interruptPending()}, which reads volatile flags written under the lock; a
 *     flag that rises also calls {@link CpuPins#wake()}, so a poll that missed it is followed by
 *     an exit request.</li>
 * </ul>
 */
public final class ApicBus {
    private static final System.Logger LOG = System.getLogger(ApicBus.class.getName());

    /** Physical and logical broadcast destination (SDM, "Determining IPI Destination"). */
    static final int BROADCAST = 0xFF;

    private final ReentrantLock machineLock;
    private final List<LocalApic> apics = new ArrayList<>();     // guarded by machineLock
    private IntConsumer eoiListener = vector -> { };             // the I/O APIC; guarded by machineLock
    private final ThreadLocal<LocalApic> boundApic = new ThreadLocal<>();
    private boolean loggedUnboundAccess;

    /** @param machineLock the machine lock; every bus operation asserts it is held ([APIC-1]) */
    public ApicBus(ReentrantLock machineLock) {
        this.machineLock = Objects.requireNonNull(machineLock);
    }

    void assertLocked() {
        assert machineLock.isHeldByCurrentThread() : "APIC accessed without the machine lock";
    }

    /** Called by the LocalApic constructor. */
    void attach(LocalApic apic) {
        assertLocked();
        apics.add(apic);
    }

    /** Called by the IoApic constructor: local APIC EOIs of level-triggered vectors go there. */
    void setEoiListener(IntConsumer listener) {
        eoiListener = Objects.requireNonNull(listener);
    }

    /** The local APICs in attach order (vCPU index order when the board attaches them so). */
    List<LocalApic> apics() {
        return List.copyOf(apics);
    }

    // ---------------------------------------------------------------------------------------
    // Per-vCPU MMIO

    /**
     * Makes the calling thread's accesses through {@link #mmio()} go to {@code apic}. Each vCPU
     * thread binds its own APIC once before it runs guest code: every processor sees its own
     * local APIC at the same physical address.
     */
    public void bindCurrentThread(LocalApic apic) {
        boundApic.set(Objects.requireNonNull(apic));
    }

    /**
     * The handler for the local APIC page (0xFEE00000, 4 KiB) the board maps once: it forwards to
     * the APIC bound to the accessing thread. An unbound thread (no vCPU) reads all-ones.
     */
    public MmioHandler mmio() {
        return new MmioHandler() {
            @Override public long mmioRead(long offset, int size) {
                LocalApic apic = boundApic.get();
                if (apic == null) {
                    logUnbound();
                    return size >= 8 ? -1L : (1L << (8 * size)) - 1;
                }
                return apic.mmioRead(offset, size);
            }

            @Override public void mmioWrite(long offset, int size, long value) {
                LocalApic apic = boundApic.get();
                if (apic == null) {
                    logUnbound();
                    return;
                }
                apic.mmioWrite(offset, size, value);
            }
        };
    }

    private void logUnbound() {
        if (!loggedUnboundAccess) {
            loggedUnboundAccess = true;
            LOG.log(System.Logger.Level.WARNING,
                    "local APIC page accessed from a thread with no vCPU bound (logged once)");
        }
    }

    // ---------------------------------------------------------------------------------------
    // Messages

    /**
     * An interrupt message with an explicit destination (I/O APIC redirection entry, or an ICR
     * without shorthand). Returns whether at least one local APIC accepted it.
     *
     * @param destination  8-bit physical APIC ID or logical MDA
     * @param logical      destination mode: false physical, true logical
     * @param deliveryMode one of the {@code LocalApic.DM_*} codes
     * @param vector       vector for fixed and lowest priority; page number for startup
     * @param level        trigger mode: true level-triggered (sets the TMR bit on acceptance)
     */
    boolean deliver(int destination, boolean logical, int deliveryMode, int vector, boolean level) {
        assertLocked();
        List<LocalApic> targets = new ArrayList<>();
        for (LocalApic a : apics) {
            if (a.matchesDestination(destination, logical)) targets.add(a);
        }
        return deliverTo(targets, deliveryMode, vector, level);
    }

    /** An ICR message with a destination shorthand (self, all including self, all excluding self). */
    boolean deliverShorthand(LocalApic source, boolean includeSelf, boolean includeOthers, int deliveryMode,
                             int vector, boolean level) {
        assertLocked();
        List<LocalApic> targets = new ArrayList<>();
        for (LocalApic a : apics) {
            if (a == source ? includeSelf : includeOthers) targets.add(a);
        }
        return deliverTo(targets, deliveryMode, vector, level);
    }

    private boolean deliverTo(List<LocalApic> targets, int deliveryMode, int vector, boolean level) {
        if (deliveryMode == LocalApic.DM_LOWEST_PRIORITY) {
            LocalApic chosen = lowestPriority(targets);
            return chosen != null && chosen.receive(LocalApic.DM_FIXED, vector, level);
        }
        boolean accepted = false;
        for (LocalApic a : targets) accepted |= a.receive(deliveryMode, vector, level);
        return accepted;
    }

    /** The target with the lowest TPR that can accept a fixed interrupt; ties to the lowest ID. */
    private static LocalApic lowestPriority(List<LocalApic> targets) {
        LocalApic best = null;
        for (LocalApic a : targets) {
            if (!a.acceptsFixed()) continue;
            if (best == null || a.taskPriority() < best.taskPriority()
                    || (a.taskPriority() == best.taskPriority() && a.apicId() < best.apicId())) {
                best = a;
            }
        }
        return best;
    }

    /** A local APIC's EOI of a level-triggered vector, broadcast to the I/O APIC. */
    void broadcastEoi(int vector) {
        assertLocked();
        eoiListener.accept(vector);
    }
}
