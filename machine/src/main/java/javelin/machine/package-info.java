/**
 * The PC board: builds a machine from a {@link javelin.machine.MachineConfig}, owns the vCPU
 * threads, the clock and the machine lock, power/reset, and (later) snapshots.
 */
package javelin.machine;
