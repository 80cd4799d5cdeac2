/**
 * vCPU run-loop scaffolding shared by every CPU front end: the per-vCPU exit request checked at
 * each translation-block entry ({@link javelin.softmmu.exec.Vcpu}), work queued to a vCPU and run
 * by its owner at the next block boundary ({@link javelin.softmmu.exec.WorkQueue}, QEMU's
 * run-on-cpu), and exclusive sections in which every other vCPU is stopped at a safe point
 * ({@link javelin.softmmu.exec.ExclusiveSection}, QEMU's start/end exclusive). See
 * {@code docs/engine.md}.
 */
package javelin.softmmu.exec;
