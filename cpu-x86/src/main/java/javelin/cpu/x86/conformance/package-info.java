/**
 * Runs hardware-captured single-instruction tests (SingleStepTests JSON; the data, its source
 * and the machine model are described in {@code docs/conformance.md}) against the interpreter.
 */
package javelin.cpu.x86.conformance;
