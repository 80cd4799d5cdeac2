package javelin.ui.vnc;

/** RFB encoding numbers (RFC 6143 section 7.7 and the IANA "RFB Encoding Types" registry). */
final class Encoding {
    static final int RAW = 0;
    static final int COPY_RECT = 1;
    static final int HEXTILE = 5;
    static final int ZRLE = 16;
    /** Pseudo-encoding: the server may change the framebuffer size (RFC 6143 7.8.2). */
    static final int DESKTOP_SIZE = -223;
    /** Pseudo-encoding: the client may send QEMU Extended Key Events (rfbproto). */
    static final int QEMU_EXTENDED_KEY_EVENT = -258;

    private Encoding() { }
}
