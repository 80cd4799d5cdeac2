/**
 * The x86 CPU: architectural state ({@link javelin.cpu.x86.CpuState}), decoder
 * ({@code decode}), MMU and paging ({@code mmu}), the system architecture (segmentation,
 * interrupts, tasks) in {@code system}, the x87 ({@code fpu}), the interpreter ({@code interp})
 * and its translation-block front end ({@code exec}). Meets devices only through softmmu
 * interfaces.
 */
package javelin.cpu.x86;
