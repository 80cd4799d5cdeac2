/**
 * Benchmarks of the emulator's parts, run by the scripts beside this module
 * ({@code bench/interpreter-mips}, {@code bench/smp-mips}); not tests, and not part of the
 * emulator: nothing depends on this module. {@link javelin.bench.MipsBenchmark} measures the
 * guest MIPS of one vCPU on the translation-block engine, {@link javelin.bench.SmpBenchmark}
 * its scaling over several vCPU threads and the cost of cross-modifying code.
 */
package javelin.bench;
