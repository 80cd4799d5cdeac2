/**
 * The x86 CPU: architectural state ({@link javelin.cpu.x86.CpuState}), decoder, interpreter,
 * and the system architecture (segmentation, paging, interrupts, tasks) in
 * {@code javelin.cpu.x86.system}. Meets devices only through softmmu interfaces.
 */
package javelin.cpu.x86;
