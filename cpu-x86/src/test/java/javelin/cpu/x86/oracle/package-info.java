/**
 * The host-CPU differential oracle: {@code CaseGenerator} makes random single-instruction cases,
 * {@code NativeHarness} runs them on the host CPU through the harness built from
 * {@code oracle/harness.c} (32-bit, or 64-bit where the host runs no 32-bit code),
 * {@code JavelinExecutor} runs them on our implementation, and {@code Comparison} reports every
 * difference outside what the manuals leave undefined ({@code Undefined}, {@code HostCpu}).
 * See {@code docs/fpu.md}, "The oracle".
 */
package javelin.cpu.x86.oracle;
