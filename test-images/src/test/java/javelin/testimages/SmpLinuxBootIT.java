package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javelin.machine.MachineConfig;
import javelin.machine.PcMachine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reference kernel and initrd through SeaBIOS with {@code -smp 4} (one host thread per
 * vCPU), and with {@code -smp 2 -accel tcg,thread=single} (both vCPUs in turn on one thread): SeaBIOS starts the APs and builds the MP table, Linux reads it, brings up the three APs
 * with INIT-SIPI through its local APIC and routes the ISA interrupts through the I/O APIC. The
 * MP table in the BIOS segment lists every processor; the shell then sees as many CPUs, and
 * four CPU-bound background jobs (one sum each) all finish with the right results. Expected values: the CPU count configured here, and sums computed by hand
 * (1 + ... + 20000 = 200010000, times the job number).
 */
class SmpLinuxBootIT {
    private static final int N = 20000;

    /**
     * Enabled processor entries of the MP configuration table (Intel MP specification 1.4,
     * chapter 4): the floating pointer "_MP_" on a 16-byte boundary in the BIOS segment points
     * to the "PCMP" table, whose entries follow its 44-byte header; a processor entry (type 0)
     * is 20 bytes with the enable flag in bit 0 of byte 3, every other entry 8 bytes.
     */
    private static int mpTableProcessors(PcMachine machine) {
        ByteBuffer bios = ByteBuffer.wrap(machine.readPhysical(0xF0000, 0x10000)).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < 0x10000; off += 16) {
            if (bios.getInt(off) != 0x5F504D5F) continue;             // "_MP_"
            long table = bios.getInt(off + 4) & 0xFFFF_FFFFL;
            ByteBuffer header = ByteBuffer.wrap(machine.readPhysical(table, 44)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x504D4350, header.getInt(0), "PCMP signature");
            int length = header.getShort(4) & 0xFFFF;
            int entries = header.getShort(0x22) & 0xFFFF;
            ByteBuffer t = ByteBuffer.wrap(machine.readPhysical(table, length)).order(ByteOrder.LITTLE_ENDIAN);
            int at = 44, processors = 0;
            for (int e = 0; e < entries; e++) {
                int type = t.get(at) & 0xFF;
                if (type == 0 && (t.get(at + 3) & 1) != 0) processors++;
                at += type == 0 ? 20 : 8;
            }
            return processors;
        }
        throw new AssertionError("no MP floating pointer in 0xF0000-0xFFFFF");
    }

    @ParameterizedTest(name = "-smp {0}, thread={1}")
    @CsvSource({"4, MULTI", "2, SINGLE"})
    void everyCpuBootsAndRunsParallelJobs(int cpus, MachineConfig.VcpuThreading threading) throws Exception {
        var kernel = ReferenceImages.image("vmlinuz-686");
        String initrd = ReferenceImages.image("initrd.img").toString();
        var config = new MachineConfig(256L << 20, cpus, null, List.of(LinuxGuest.TEST_CONSOLE), null, null, null, Set.of(), null,
                true, true, List.of(), false, kernel, initrd, "console=ttyS0,115200", null, false, false,
                threading);
        String release = LinuxGuest.kernelRelease();
        ConsolePipe com1 = new ConsolePipe();
        try (PcMachine machine = PcMachine.create(config, (device, spec) -> com1)) {
            long started = System.nanoTime();
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            int at = com1.await("JAVELIN-READY " + release, 0, LinuxGuest.BOOT_TIMEOUT_SECONDS);
            at = com1.await("javelin# ", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            System.out.printf("SmpLinuxBootIT: -smp %d thread=%s boot to the shell in %.1f s%n", cpus, threading,
                    (System.nanoTime() - started) / 1e9);

            assertEquals(cpus, mpTableProcessors(machine), "processor entries in the MP table SeaBIOS built");
            at = LinuxGuest.ask(com1, "echo nproc=$(nproc) cpuinfo=$(grep -c ^processor /proc/cpuinfo)",
                    "nproc=" + cpus + " cpuinfo=" + cpus, at);

            long jobs = System.nanoTime();
            // Each job sums 1..N times its number; the results print in any order, then a marker
            // computed by the shell (so the echoed command line cannot match it).
            com1.type("for i in 1 2 3 4; do (s=0; j=0; while [ $j -lt " + N + " ]; do j=$((j+1)); s=$((s+j*i)); done;"
                    + " echo R$i=$s) & done; wait; echo JOBS-$((2+2))-DONE\n");
            com1.await("JOBS-4-DONE\r\n", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            long sum = (long) N * (N + 1) / 2;
            for (int i = 1; i <= 4; i++) com1.await("R" + i + "=" + sum * i + "\r\n", at, 1);
            System.out.printf("SmpLinuxBootIT: -smp %d thread=%s: four parallel jobs in %.1f s%n", cpus, threading,
                    (System.nanoTime() - jobs) / 1e9);

            machine.quit();
            run.get(60, TimeUnit.SECONDS);
        }
    }
}
