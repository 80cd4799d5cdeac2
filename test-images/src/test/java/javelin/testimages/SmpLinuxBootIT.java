package javelin.testimages;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javelin.machine.MachineConfig;
import javelin.machine.PcMachine;
import org.junit.jupiter.api.Test;

/**
 * The reference kernel and initrd through SeaBIOS with {@code -smp 4} (one host thread per
 * vCPU): SeaBIOS starts the APs and builds the MP table, Linux reads it, brings up the three APs
 * with INIT-SIPI through its local APIC and routes the ISA interrupts through the I/O APIC. The
 * shell then sees four CPUs, and four CPU-bound background jobs (one sum each) all finish with
 * the right results. Expected values: the CPU count configured here, and sums computed by hand
 * (1 + ... + 20000 = 200010000, times the job number).
 */
class SmpLinuxBootIT {
    private static final int CPUS = 4;
    private static final int N = 20000;

    @Test
    void fourCpusBootAndRunParallelJobs() throws Exception {
        var kernel = ReferenceImages.image("vmlinuz-686");
        String initrd = ReferenceImages.image("initrd.img").toString();
        var config = new MachineConfig(256L << 20, CPUS, null, List.of("test-pipe"), null, null, null, Set.of(), null,
                true, true, List.of(), false, kernel, initrd, "console=ttyS0,115200", null, false, false,
                MachineConfig.VcpuThreading.MULTI);
        String release = LinuxGuest.kernelRelease();
        ConsolePipe com1 = new ConsolePipe();
        try (PcMachine machine = PcMachine.create(config, spec -> com1)) {
            long started = System.nanoTime();
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(machine::run);
            int at = com1.await("JAVELIN-READY " + release, 0, LinuxGuest.BOOT_TIMEOUT_SECONDS);
            at = com1.await("javelin# ", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            System.out.printf("SmpLinuxBootIT: -smp %d boot to the shell in %.1f s%n", CPUS,
                    (System.nanoTime() - started) / 1e9);

            at = LinuxGuest.ask(com1, "echo nproc=$(nproc) cpuinfo=$(grep -c ^processor /proc/cpuinfo)",
                    "nproc=" + CPUS + " cpuinfo=" + CPUS, at);

            long jobs = System.nanoTime();
            // Each job sums 1..N times its number; the results print in any order, then a marker
            // computed by the shell (so the echoed command line cannot match it).
            com1.type("for i in 1 2 3 4; do (s=0; j=0; while [ $j -lt " + N + " ]; do j=$((j+1)); s=$((s+j*i)); done;"
                    + " echo R$i=$s) & done; wait; echo JOBS-$((2+2))-DONE\n");
            com1.await("JOBS-4-DONE\r\n", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            long sum = (long) N * (N + 1) / 2;
            for (int i = 1; i <= CPUS; i++) com1.await("R" + i + "=" + sum * i + "\r\n", at, 1);
            System.out.printf("SmpLinuxBootIT: four parallel jobs in %.1f s%n", (System.nanoTime() - jobs) / 1e9);

            machine.quit();
            run.get(60, TimeUnit.SECONDS);
        }
    }
}
