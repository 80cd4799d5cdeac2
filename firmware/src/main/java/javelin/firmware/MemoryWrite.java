package javelin.firmware;

import java.util.Arrays;

/** Bytes a loader wants in guest physical memory before the first instruction runs. */
public record MemoryWrite(long address, byte[] data) {
    public MemoryWrite {
        data = data.clone();
    }

    @Override public byte[] data() {
        return data.clone();
    }

    public int length() {
        return data.length;
    }

    public long end() {
        return address + data.length;
    }

    @Override public boolean equals(Object o) {
        return o instanceof MemoryWrite w && w.address == address && Arrays.equals(w.data, data);
    }

    @Override public int hashCode() {
        return Long.hashCode(address) * 31 + Arrays.hashCode(data);
    }

    @Override public String toString() {
        return String.format("MemoryWrite[%#x, %d bytes]", address, data.length);
    }
}
