/**
 * The guest-visible machine fabric that CPUs and devices meet through: the physical address
 * space (RAM, ROM, MMIO), the port I/O bus, interrupt request lines, the virtual clock and its
 * timers, and the per-vCPU software TLB. Nothing here knows about x86 instructions or about a
 * particular device; see DESIGN.md, "Modules".
 */
package javelin.softmmu;
