package javelin.cpu.x86.exec;

/**
 * Thrown by {@link X86FrontEnd#deliverFault} after a delivery that halted or shut down the
 * CPU, to leave the engine's run loop at once; {@link X86Vcpu#run} catches it. Control flow,
 * so no stack trace.
 */
final class LeaveRun extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final LeaveRun INSTANCE = new LeaveRun();

    private LeaveRun() {
        super("leave the run loop", null, false, false);
    }
}
