/**
 * The x86 system architecture (Intel SDM vol. 3): segment descriptor loads and their checks
 * ({@link javelin.cpu.x86.system.Segmentation}), interrupt and exception delivery
 * ({@link javelin.cpu.x86.system.Interrupts}), far transfers and IRET
 * ({@link javelin.cpu.x86.system.ControlTransfer}), hardware task switching
 * (TaskSwitch), control registers, MSRs and the system instructions
 * ({@link javelin.cpu.x86.system.SystemInstructions}). Paging is the MMU's
 * ({@code javelin.cpu.x86.mmu}).
 *
 * <p>Everything here is static and works on the {@link javelin.cpu.x86.CpuState} it is given,
 * on the vCPU's own thread. Guest exceptions are thrown as {@link javelin.cpu.x86.CpuFault};
 * operations change registers only after all their checks and memory accesses succeeded, so
 * the run loop can restart the faulting instruction.
 *
 * <p>Choices where the SDM leaves room (and what real CPUs do):
 * <ul>
 *   <li>LAR returns the descriptor's high dword AND 00F0FF00H (bits 19:16 are "undefined" in
 *       the SDM); LSL returns the byte-granular limit.</li>
 *   <li>MTRRs and PAT are stored and validated but select nothing (no caches are modelled).</li>
 *   <li>DR0-DR7 are stored (DR6/DR7 fixed bits kept); breakpoints do not trigger yet.</li>
 *   <li>MOV to/from test registers is #UD, as on every P6.</li>
 *   <li>RDTSC reads {@code CpuState.clock} plus the TSC offset: one tick per virtual
 *       nanosecond. The board must set the machine's clock there.</li>
 * </ul>
 */
package javelin.cpu.x86.system;
