package javelin.ui.vnc;

import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javelin.devices.input.KeyCode;

/**
 * "qnum" key numbers: a key's scan code set 1 make code folded into one number, 0x00-0x7F for a
 * plain key and 0x80|code for an E0-prefixed one. QEMU uses it for QMP's {@code number} keys, and
 * the RFB QEMU Extended Key Event message carries the same encoding (rfbproto, "QEMU Extended Key
 * Event Message": a two-byte XT code E0 xx is sent with the high bit of xx set). Pause, which has
 * no single make code, is 0xC6 (Ctrl+Break's E0 46), as in QEMU's keymaps.
 */
public final class Qnum {
    private static final int PREFIX_EXTENDED = 0xE0;
    private static final int EXTENDED_BIT = 0x80;
    static final int PAUSE = 0xC6;
    private static final Map<Integer, KeyCode> BY_QNUM;
    private static final Map<KeyCode, Integer> BY_KEY;

    static {
        Map<Integer, KeyCode> byQnum = new HashMap<>();
        Map<KeyCode, Integer> byKey = new EnumMap<>(KeyCode.class);
        for (KeyCode k : KeyCode.values()) {
            int q = k == KeyCode.PAUSE ? PAUSE : fold(k.make(1));
            byQnum.putIfAbsent(q, k);
            byKey.put(k, q);
        }
        BY_QNUM = Collections.unmodifiableMap(byQnum);
        BY_KEY = Collections.unmodifiableMap(byKey);
    }

    private Qnum() { }

    /** The last byte of the make sequence, with the E0 prefix folded into bit 7. */
    private static int fold(List<Integer> make) {
        int last = make.getLast();
        boolean extended = make.size() >= 2 && make.get(make.size() - 2) == PREFIX_EXTENDED;
        return extended ? last | EXTENDED_BIT : last;
    }

    /** The key with this qnum, or null if the PC keyboard has none. */
    public static KeyCode toKey(int qnum) {
        return BY_QNUM.get(qnum);
    }

    public static int of(KeyCode key) {
        return BY_KEY.get(key);
    }
}
