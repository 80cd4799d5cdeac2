package javelin.cpu.x86.conformance;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One test of the SingleStepTests JSON layout: instruction bytes, the initial state, the
 * changed part of the final state, the exception (if any) and the test's hash.
 *
 * @param ram      {@code address << 8 | byte} pairs packed in one int (addresses are below 16 MiB)
 * @param regs     register name to value, as listed in the file
 */
record SingleStepTest(int idx, String name, int[] bytes, Map<String, Long> initialRegs, int[] initialRam,
                      Map<String, Long> finalRegs, int[] finalRam, int exception, long flagAddress, String hash) {

    boolean hasException() {
        return exception >= 0;
    }

    /** Reads one test object; the parser is on its START_OBJECT. */
    static SingleStepTest read(JsonParser p) throws IOException {
        int idx = -1;
        String name = "";
        int[] bytes = new int[0];
        Map<String, Long> iRegs = Map.of(), fRegs = Map.of();
        int[] iRam = new int[0], fRam = new int[0];
        int exception = -1;
        long flagAddress = -1;
        String hash = "";
        while (p.nextToken() != JsonToken.END_OBJECT) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "idx" -> idx = p.getIntValue();
                case "name" -> name = p.getText();
                case "bytes" -> bytes = readInts(p);
                case "hash" -> hash = p.getText();
                case "initial", "final" -> {
                    Map<String, Long> regs = new HashMap<>();
                    int[] ram = new int[0];
                    while (p.nextToken() != JsonToken.END_OBJECT) {
                        String f = p.currentName();
                        p.nextToken();
                        switch (f) {
                            case "regs" -> {
                                while (p.nextToken() != JsonToken.END_OBJECT) {
                                    String r = p.currentName();
                                    p.nextToken();
                                    regs.put(r, p.getLongValue());
                                }
                            }
                            case "ram" -> ram = readRam(p);
                            default -> p.skipChildren();
                        }
                    }
                    if (field.equals("initial")) {
                        iRegs = regs;
                        iRam = ram;
                    } else {
                        fRegs = regs;
                        fRam = ram;
                    }
                }
                case "exception" -> {
                    while (p.nextToken() != JsonToken.END_OBJECT) {
                        String f = p.currentName();
                        p.nextToken();
                        if (f.equals("number")) exception = p.getIntValue();
                        else if (f.equals("flag_address")) flagAddress = p.getLongValue();
                        else p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new SingleStepTest(idx, name, bytes, iRegs, iRam, fRegs, fRam, exception, flagAddress, hash);
    }

    private static int[] readInts(JsonParser p) throws IOException {
        int[] out = new int[16];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
            out[n++] = p.getIntValue();
        }
        return java.util.Arrays.copyOf(out, n);
    }

    private static int[] readRam(JsonParser p) throws IOException {
        int[] out = new int[32];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.nextToken();
            int addr = p.getIntValue();
            p.nextToken();
            int value = p.getIntValue();
            p.nextToken();
            if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
            out[n++] = addr << 8 | (value & 0xFF);
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
