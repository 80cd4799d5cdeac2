package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.mmu.Mmu;

/**
 * RDMSR/WRMSR (SDM vol. 4 for the numbers). Only MSRs of advertised features exist; any other
 * number, or a reserved bit set in a write, is #GP(0), which is what guests probing with
 * {@code rdmsr_safe} expect.
 *
 * <p>MTRRs and PAT are stored and read back but change nothing: the emulator has no caches
 * whose type they could select (as QEMU's TCG).
 */
final class ModelSpecificRegisters {
    private static final System.Logger LOG = System.getLogger(ModelSpecificRegisters.class.getName());
    /** MSR numbers already reported, so each unknown one is logged once (guests probe many). */
    private static final java.util.Set<Integer> REPORTED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    static final int IA32_TSC = 0x10, IA32_PLATFORM_ID = 0x17, IA32_APIC_BASE = 0x1B, IA32_BIOS_SIGN_ID = 0x8B, IA32_MTRRCAP = 0xFE, IA32_SYSENTER_CS = 0x174,
            IA32_SYSENTER_ESP = 0x175, IA32_SYSENTER_EIP = 0x176, IA32_MISC_ENABLE = 0x1A0,
            IA32_MTRR_PHYSBASE0 = 0x200, IA32_MTRR_PHYSMASK7 = 0x20F, IA32_MTRR_FIX64K_00000 = 0x250,
            IA32_MTRR_FIX16K_80000 = 0x258, IA32_MTRR_FIX16K_A0000 = 0x259, IA32_MTRR_FIX4K_C0000 = 0x268,
            IA32_MTRR_FIX4K_F8000 = 0x26F, IA32_PAT = 0x277, IA32_MTRR_DEF_TYPE = 0x2FF, IA32_EFER = 0xC000_0080;

    /** MTRRCAP: 8 variable ranges, fixed ranges supported, write-combining supported. */
    static final long MTRRCAP_VALUE = 8 | (1 << 8) | (1 << 10);
    /** APIC_BASE: BSP flag (bit 8), global enable (bit 11), base 35:12. */
    static final long APIC_BASE_WRITABLE = 0xF_FFFF_F900L;
    /** MTRRdefType: type in 7:0, FE bit 10, E bit 11. */
    static final long MTRR_DEF_TYPE_WRITABLE = 0xCFFL;
    /** Valid PAT entry types (SDM vol. 3, table 13-10): UC, WC, WT, WP, WB, UC-; 2 and 3 are reserved. */
    private static final int PAT_TYPES = 1 << 0 | 1 << 1 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7;

    private ModelSpecificRegisters() { }

    static long read(CpuState cpu, CpuSocket socket, int msr) {
        return switch (msr) {
            case IA32_TSC -> cpu.readTsc(socket.clock.nanos());
            case IA32_APIC_BASE -> cpu.apicBaseMsr;
            // Platform ID 0 (bits 52:50) and microcode revision 0: no update has been loaded.
            // Linux reads both on family 6 (microcode revision with an unchecked RDMSR).
            case IA32_PLATFORM_ID, IA32_BIOS_SIGN_ID -> 0L;
            case IA32_MTRRCAP -> MTRRCAP_VALUE;
            case IA32_SYSENTER_CS -> cpu.sysenterCs & 0xFFFF_FFFFL;
            case IA32_SYSENTER_ESP -> cpu.sysenterEsp & 0xFFFF_FFFFL;
            case IA32_SYSENTER_EIP -> cpu.sysenterEip & 0xFFFF_FFFFL;
            case IA32_MISC_ENABLE -> cpu.miscEnableMsr;
            case IA32_PAT -> cpu.patMsr;
            case IA32_EFER -> cpu.efer;
            default -> {
                if (!isMtrr(msr)) throw unknown(msr, "read");
                yield cpu.mtrrMsrs.getOrDefault(msr, 0L);
            }
        };
    }

    static void write(CpuState cpu, Mmu mmu, CpuSocket socket, int msr, long value) {
        switch (msr) {
            // Writing the TSC sets the offset so that the counter continues from the value written.
            case IA32_TSC -> cpu.tscOffset = value - socket.clock.nanos();
            case IA32_APIC_BASE -> {
                if ((value & ~APIC_BASE_WRITABLE) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
                cpu.apicBaseMsr = value;
                socket.apicBaseWritten.accept(value);     // bit 11 reaches the local APIC
            }
            // Writing 0 before CPUID is how software asks for the revision (SDM vol. 3, 10.11.7.1);
            // no microcode can be loaded, so writes change nothing.
            case IA32_BIOS_SIGN_ID -> { }
            case IA32_SYSENTER_CS -> cpu.sysenterCs = (int) value;
            case IA32_SYSENTER_ESP -> cpu.sysenterEsp = (int) value;
            case IA32_SYSENTER_EIP -> cpu.sysenterEip = (int) value;
            // Bit 0 (fast strings) and the thermal bits are accepted and stored; nothing depends on them.
            case IA32_MISC_ENABLE -> cpu.miscEnableMsr = value;
            case IA32_PAT -> {
                for (int i = 0; i < 8; i++) {
                    int type = (int) (value >>> (8 * i)) & 0xFF;
                    if (type > 7 || (PAT_TYPES & (1 << type)) == 0) {
                        throw CpuFault.withCode(CpuFault.GP, 0);
                    }
                }
                cpu.patMsr = value;
            }
            case IA32_EFER -> {
                // Only NXE exists on this CPU (no long mode, no SYSCALL): other bits are reserved.
                if ((value & ~CpuState.EFER_NXE) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
                if ((value ^ cpu.efer) != 0) mmu.flushAll();
                cpu.efer = value;
            }
            case IA32_MTRRCAP, IA32_PLATFORM_ID -> throw CpuFault.withCode(CpuFault.GP, 0);
            default -> {
                if (!isMtrr(msr)) throw unknown(msr, "write");
                if (msr == IA32_MTRR_DEF_TYPE && (value & ~MTRR_DEF_TYPE_WRITABLE) != 0) {
                    throw CpuFault.withCode(CpuFault.GP, 0);
                }
                cpu.mtrrMsrs.put(msr, value);
            }
        }
    }

    /** An MSR this CPU does not have: #GP(0), as on hardware; logged once per number. */
    private static CpuFault unknown(int msr, String what) {
        if (REPORTED.add(msr)) {
            LOG.log(System.Logger.Level.DEBUG, "guest {0} of unimplemented MSR {1}: #GP(0) (logged once per MSR)",
                    what, String.format("%#x", msr));
        }
        return CpuFault.withCode(CpuFault.GP, 0);
    }

    static boolean isMtrr(int msr) {
        return (msr >= IA32_MTRR_PHYSBASE0 && msr <= IA32_MTRR_PHYSMASK7) || msr == IA32_MTRR_FIX64K_00000
                || msr == IA32_MTRR_FIX16K_80000 || msr == IA32_MTRR_FIX16K_A0000
                || (msr >= IA32_MTRR_FIX4K_C0000 && msr <= IA32_MTRR_FIX4K_F8000) || msr == IA32_MTRR_DEF_TYPE;
    }
}
