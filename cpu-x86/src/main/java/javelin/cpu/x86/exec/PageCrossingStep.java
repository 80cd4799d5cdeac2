package javelin.cpu.x86.exec;

/**
 * Thrown by {@link X86FrontEnd#translate} for a block whose first instruction crosses into the
 * next page ([XB-2]); {@link X86FrontEnd#deliverFault} then runs that instruction decoded from
 * memory. Control flow, so no stack trace.
 */
final class PageCrossingStep extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final PageCrossingStep INSTANCE = new PageCrossingStep();

    private PageCrossingStep() {
        super("instruction crosses a page", null, false, false);
    }
}
