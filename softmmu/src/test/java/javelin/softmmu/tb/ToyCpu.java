package javelin.softmmu.tb;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.SoftTlb;
import javelin.softmmu.exec.Vcpu;

/**
 * The architectural state of a {@link ToyIsa} vCPU: eight 32-bit registers and a PC, with data
 * accesses through a {@link SoftTlb} as a real front end does: virtual equals physical, the fast
 * path compares the tag (so NOTDIRTY sends stores to {@link PhysicalMemory#write}), and guest
 * loads and stores are acquire/release so the toy guest sees x86-TSO order.
 */
final class ToyCpu {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    final Vcpu vcpu;
    final PhysicalMemory mem;
    final SoftTlb tlb = new SoftTlb();
    private final MemorySegment ram;
    final int[] regs = new int[8];
    int pc;
    /** The TB flags word this CPU asks for: the toy's one "mode" bit is bit 0. */
    long mode;
    long instructions;
    long slowStores;
    /** Whether the last fault was delivered inside the exec region, as [PG-3] needs. */
    boolean faultDeliveredInExecRegion;

    ToyCpu(Vcpu vcpu, PhysicalMemory mem, int pc) {
        this.vcpu = vcpu;
        this.mem = mem;
        this.ram = mem.backing();
        this.pc = pc;
    }

    int load(int va) {
        int i = SoftTlb.index(va);
        if (tlb.readTag[i] != (va & SoftTlb.PAGE_MASK)) tlb.fill(va, va & 0xFFFF_FFFFL, true, true, true, mem);
        if (tlb.readTag[i] == (va & SoftTlb.PAGE_MASK)) return (int) INT.getAcquire(ram, tlb.addend[i] + (va & 0xFFFF_FFFFL));
        return mem.readDword(va & 0xFFFF_FFFFL);
    }

    /** Returns true if the store took the slow path (the block must then check [SMC-1]). */
    boolean store(int va, int value) {
        int i = SoftTlb.index(va);
        int page = va & SoftTlb.PAGE_MASK;
        if ((tlb.writeTag[i] & SoftTlb.PAGE_MASK) != page || tlb.writeTag[i] == SoftTlb.TLB_INVALID) {
            tlb.fill(va, va & 0xFFFF_FFFFL, true, true, true, mem);
        }
        if (tlb.writeTag[i] == page) {
            INT.setRelease(ram, tlb.addend[i] + (va & 0xFFFF_FFFFL), value);
            return false;
        }
        slowStores++;
        mem.writeDword(va & 0xFFFF_FFFFL, value);
        return true;
    }
}
