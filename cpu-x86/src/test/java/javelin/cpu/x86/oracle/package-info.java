/**
 * The host-CPU differential oracle (issue 3): {@code CaseGenerator} makes random single-instruction
 * cases, {@code NativeHarness} runs them on the host CPU through the 32-bit harness built from
 * {@code oracle/harness.c}, {@code JavelinExecutor} runs them on our implementation, and
 * {@code Comparison} reports every difference outside what the manuals leave undefined.
 * See {@code docs/fpu.md}, "The oracle".
 */
package javelin.cpu.x86.oracle;
