/**
 * The x86 system architecture: segment descriptor loads and their checks, interrupt and
 * exception delivery, hardware task switching, the paging walk, control registers, MSRs.
 */
package javelin.cpu.x86.system;
