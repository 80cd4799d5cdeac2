package javelin.ui.chardev;

import java.io.ByteArrayOutputStream;

/**
 * The telnet side of {@code telnet=on} (RFC 854, options RFC 856 BINARY, 857 ECHO, 858
 * SUPPRESS-GO-AHEAD): the server's opening negotiation, a filter that strips commands from the
 * client's bytes, and IAC doubling for the guest's output.
 *
 * <p>The opening asks the client into character-at-a-time binary mode with the server echoing,
 * as QEMU's telnet chardev does, so a guest shell behaves as on a real terminal. Option replies
 * from the client are consumed and ignored: whatever the client agrees to, the guest sees only
 * data bytes.
 */
final class Telnet {
    static final int IAC = 0xFF;
    static final int DONT = 0xFE;
    static final int DO = 0xFD;
    static final int WONT = 0xFC;
    static final int WILL = 0xFB;
    static final int SB = 0xFA;
    static final int SE = 0xF0;
    static final int OPT_BINARY = 0x00;
    static final int OPT_ECHO = 0x01;
    static final int OPT_SUPPRESS_GO_AHEAD = 0x03;
    private static final int CR = '\r';
    private static final int NUL = 0;

    /** IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD, IAC WILL BINARY, IAC DO BINARY. */
    static final byte[] OPENING = {
        (byte) IAC, (byte) WILL, OPT_ECHO, (byte) IAC, (byte) WILL, OPT_SUPPRESS_GO_AHEAD,
        (byte) IAC, (byte) WILL, OPT_BINARY, (byte) IAC, (byte) DO, OPT_BINARY,
    };

    private enum State { DATA, IAC, OPTION, SUBNEGOTIATION, SUBNEGOTIATION_IAC, AFTER_CR }

    private State state = State.DATA;

    /** Strips telnet commands from {@code in}; returns the data bytes (not thread-safe: one per connection). */
    byte[] filterInput(byte[] in, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        for (int i = offset; i < offset + length; i++) {
            int b = in[i] & 0xFF;
            switch (state) {
                case DATA, AFTER_CR -> {
                    boolean afterCr = state == State.AFTER_CR;
                    state = State.DATA;
                    if (b == IAC) {
                        state = State.IAC;
                    } else if (afterCr && b == NUL) {
                        // RFC 854: CR NUL is a bare carriage return; the NUL is not data.
                    } else {
                        out.write(b);
                        if (b == CR) state = State.AFTER_CR;
                    }
                }
                case IAC -> {
                    if (b == IAC) {
                        out.write(IAC);                     // an escaped 0xFF data byte
                        state = State.DATA;
                    } else if (b == WILL || b == WONT || b == DO || b == DONT) {
                        state = State.OPTION;
                    } else if (b == SB) {
                        state = State.SUBNEGOTIATION;
                    } else {
                        state = State.DATA;                 // NOP, AYT, BRK ...: two-byte commands
                    }
                }
                case OPTION -> state = State.DATA;
                case SUBNEGOTIATION -> {
                    if (b == IAC) state = State.SUBNEGOTIATION_IAC;
                }
                case SUBNEGOTIATION_IAC -> state = b == SE ? State.DATA : State.SUBNEGOTIATION;
            }
        }
        return out.toByteArray();
    }

    /** Appends guest byte {@code b} as telnet data: 0xFF is doubled (RFC 854). */
    static int escapeOutput(int b, byte[] dst, int at) {
        dst[at++] = (byte) b;
        if ((b & 0xFF) == IAC) dst[at++] = (byte) IAC;
        return at;
    }
}
