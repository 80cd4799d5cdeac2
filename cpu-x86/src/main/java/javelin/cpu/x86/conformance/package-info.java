/**
 * Runs hardware-captured single-instruction tests (SingleStepTests JSON, see
 * {@code shared/conformance/README.md}) against the interpreter.
 */
package javelin.cpu.x86.conformance;
