package javelin.devices.intc;

import java.util.Objects;
import javelin.softmmu.IrqLine;

/**
 * Several level-triggered sources sharing one interrupt input, as PCI INTx lines routed to the
 * same ISA IRQ do (PCI Local Bus Specification, interrupt pins: INTx# are open-drain and may
 * be wired together). The output is high while any input is high, so one device lowering its
 * line never hides another's request.
 *
 * <p>Threading: called with the machine lock held, like the controller it drives.
 */
public final class WiredOrIrq {
    private static final int MAX_INPUTS = Long.SIZE;

    private final IrqLine output;
    private final int inputCount;
    private long levels;          // bit n = input n high
    private boolean outputLevel;

    public WiredOrIrq(IrqLine output, int inputCount) {
        if (inputCount < 1 || inputCount > MAX_INPUTS) {
            throw new IllegalArgumentException("1.." + MAX_INPUTS + " inputs, not " + inputCount);
        }
        this.output = Objects.requireNonNull(output);
        this.inputCount = inputCount;
    }

    /** The wire for source {@code n}. */
    public IrqLine input(int n) {
        Objects.checkIndex(n, inputCount);
        long bit = 1L << n;
        return high -> {
            levels = high ? levels | bit : levels & ~bit;
            updateOutputs();
        };
    }

    private void updateOutputs() {
        boolean level = levels != 0;
        if (level != outputLevel) {
            outputLevel = level;
            output.setLevel(level);
        }
    }
}
