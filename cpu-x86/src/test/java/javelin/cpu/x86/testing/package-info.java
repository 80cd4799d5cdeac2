/**
 * What tests in every package of cpu-x86 share: the one test machine ({@link
 * javelin.cpu.x86.testing.TestMachine}, built with the RAM, ROM, vCPU count and execution a test
 * needs) and the assembler of the guest test programs ({@link javelin.cpu.x86.testing.Nasm}).
 * Public because the tests live in the packages of the code they test.
 */
package javelin.cpu.x86.testing;
