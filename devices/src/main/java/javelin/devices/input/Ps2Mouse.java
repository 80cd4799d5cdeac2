package javelin.devices.input;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.state.SnapshotFormatException;

/**
 * A PS/2 mouse on the i8042's auxiliary port, with the Microsoft IntelliMouse wheel extension
 * (and the 5-button IntelliMouse Explorer one).
 *
 * <p>Source: IBM "Keyboard and Auxiliary Device Controller" reference ("Auxiliary Device
 * Commands", "Data Report" 3-byte packet format); Microsoft IntelliMouse PS/2 protocol note: the
 * sample-rate sequence 200, 100, 80 switches the device ID to 3 and packets to 4 bytes with a
 * signed 4-bit Z; 200, 200, 80 afterwards gives ID 4 with buttons 4 and 5 in byte 4.
 *
 * <p>Modelled: reset (FA AA 00), defaults, enable/disable reporting, stream and remote modes,
 * read data, status request, sample rate, resolution, scaling (stored; 2:1 scaling is not applied
 * to movement), wrap mode, get ID. Movement beyond ±255 per packet is split into several packets
 * (no overflow bits). Packets are queued as soon as the host reports movement; the sample rate
 * does not pace them.
 *
 * <p>Threading: called by {@link I8042} with the machine lock held.
 */
final class Ps2Mouse {
    static final int CMD_SET_SCALING_1_1 = 0xE6;
    static final int CMD_SET_SCALING_2_1 = 0xE7;
    static final int CMD_SET_RESOLUTION = 0xE8;
    static final int CMD_STATUS_REQUEST = 0xE9;
    static final int CMD_SET_STREAM_MODE = 0xEA;
    static final int CMD_READ_DATA = 0xEB;
    static final int CMD_RESET_WRAP_MODE = 0xEC;
    static final int CMD_SET_WRAP_MODE = 0xEE;
    static final int CMD_SET_REMOTE_MODE = 0xF0;
    static final int CMD_GET_ID = 0xF2;
    static final int CMD_SET_SAMPLE_RATE = 0xF3;
    static final int CMD_ENABLE_REPORTING = 0xF4;
    static final int CMD_DISABLE_REPORTING = 0xF5;
    static final int CMD_SET_DEFAULTS = 0xF6;
    static final int CMD_RESEND = 0xFE;
    static final int CMD_RESET = 0xFF;

    static final int REPLY_ACK = 0xFA;
    static final int REPLY_RESEND = 0xFE;
    static final int REPLY_BAT_OK = 0xAA;

    static final int ID_STANDARD = 0;
    static final int ID_INTELLIMOUSE = 3;
    static final int ID_EXPLORER = 4;

    // Packet byte 0.
    static final int PACKET_LEFT = 0x01;
    static final int PACKET_RIGHT = 0x02;
    static final int PACKET_MIDDLE = 0x04;
    static final int PACKET_ALWAYS_1 = 0x08;
    static final int PACKET_X_SIGN = 0x10;
    static final int PACKET_Y_SIGN = 0x20;
    // Status byte.
    static final int STATUS_REMOTE = 0x40;
    static final int STATUS_ENABLED = 0x20;
    static final int STATUS_SCALING_2_1 = 0x10;

    /** Host button bits for {@link I8042#mouseMove}: left, right, middle, 4th, 5th. */
    static final int BUTTONS_MASK = 0x1F;
    static final int QUEUE_SIZE = 256;
    private static final int NO_COMMAND = -1;
    private static final int DEFAULT_SAMPLE_RATE = 100;
    private static final int DEFAULT_RESOLUTION = 2;      // 4 counts/mm

    private final Runnable dataAvailable;
    private final ArrayDeque<Integer> queue = new ArrayDeque<>();
    private int id = ID_STANDARD;
    private int sampleRate = DEFAULT_SAMPLE_RATE;
    private int resolution = DEFAULT_RESOLUTION;
    private boolean scaling21;
    private boolean reporting;
    private boolean remote;
    private boolean wrap;
    private int pendingCommand = NO_COMMAND;
    private int lastSent = REPLY_ACK;
    private final ArrayDeque<Integer> recentRates = new ArrayDeque<>();   // last three sample rates set
    private int buttons;
    private int pendingDx, pendingDy, pendingDz;       // movement not yet reported (remote mode)

    Ps2Mouse(Runnable dataAvailable) {
        this.dataAvailable = dataAvailable;
    }

    boolean hasData() {
        return !queue.isEmpty();
    }

    int take() {
        int b = queue.poll();
        lastSent = b;
        return b;
    }

    int id() {
        return id;
    }

    // ---------------------------------------------------------------------------------------
    // Host movement

    /** dx right, dy down (screen convention), dz towards the user; buttons as BUTTONS_MASK. */
    void move(int dx, int dy, int dz, int newButtons) {
        buttons = newButtons & BUTTONS_MASK;
        pendingDx += dx;
        pendingDy -= dy;                 // PS/2 Y counts up
        pendingDz += dz;
        if (reporting && !remote && !wrap) {
            do {
                sendPacket();
            } while (pendingDx != 0 || pendingDy != 0 || pendingDz != 0);
        }
    }

    private void sendPacket() {
        int x = Math.clamp(pendingDx, -255, 255);
        int y = Math.clamp(pendingDy, -255, 255);
        int z = id == ID_STANDARD ? 0 : Math.clamp(pendingDz, -8, 7);    // 4-bit signed Z
        pendingDx -= x;
        pendingDy -= y;
        pendingDz = id == ID_STANDARD ? 0 : pendingDz - z;
        int b0 = PACKET_ALWAYS_1 | (buttons & (PACKET_LEFT | PACKET_RIGHT | PACKET_MIDDLE))
                | (x < 0 ? PACKET_X_SIGN : 0) | (y < 0 ? PACKET_Y_SIGN : 0);
        List<Integer> packet = new ArrayList<>(4);
        packet.add(b0);
        packet.add(x & 0xFF);
        packet.add(y & 0xFF);
        if (id == ID_INTELLIMOUSE) packet.add(z & 0xFF);
        if (id == ID_EXPLORER) packet.add(z & 0x0F | (buttons & 0x18) << 1);
        if (queue.size() + packet.size() <= QUEUE_SIZE) queue.addAll(packet);
        dataAvailable.run();
    }

    // ---------------------------------------------------------------------------------------
    // Commands from the system (i8042 command D4)

    void command(int value) {
        if (wrap && value != CMD_RESET_WRAP_MODE && value != CMD_RESET) {
            reply(value);                                  // wrap mode echoes
            return;
        }
        if (pendingCommand != NO_COMMAND) {
            int cmd = pendingCommand;
            pendingCommand = NO_COMMAND;
            if (cmd == CMD_SET_SAMPLE_RATE) setSampleRate(value); else resolution = value & 3;
            reply(REPLY_ACK);
            return;
        }
        switch (value) {
            case CMD_SET_SCALING_1_1 -> { scaling21 = false; reply(REPLY_ACK); }
            case CMD_SET_SCALING_2_1 -> { scaling21 = true; reply(REPLY_ACK); }
            case CMD_SET_RESOLUTION, CMD_SET_SAMPLE_RATE -> { pendingCommand = value; reply(REPLY_ACK); }
            case CMD_STATUS_REQUEST -> {
                reply(REPLY_ACK);
                reply((remote ? STATUS_REMOTE : 0) | (reporting ? STATUS_ENABLED : 0)
                        | (scaling21 ? STATUS_SCALING_2_1 : 0) | (buttons & 1) << 2 | (buttons & 4) >> 1
                        | (buttons & 2) >> 1);
                reply(resolution);
                reply(sampleRate);
            }
            case CMD_SET_STREAM_MODE -> { remote = false; reply(REPLY_ACK); }
            case CMD_READ_DATA -> {
                reply(REPLY_ACK);
                sendPacket();
            }
            case CMD_RESET_WRAP_MODE -> { wrap = false; reply(REPLY_ACK); }
            case CMD_SET_WRAP_MODE -> { wrap = true; reply(REPLY_ACK); }
            case CMD_SET_REMOTE_MODE -> { remote = true; reply(REPLY_ACK); }
            case CMD_GET_ID -> { reply(REPLY_ACK); reply(id); }
            case CMD_ENABLE_REPORTING -> { reporting = true; reply(REPLY_ACK); }
            case CMD_DISABLE_REPORTING -> { reporting = false; reply(REPLY_ACK); }
            case CMD_SET_DEFAULTS -> { setDefaults(); reply(REPLY_ACK); }
            case CMD_RESEND -> reply(lastSent);
            case CMD_RESET -> {
                setDefaults();
                id = ID_STANDARD;
                wrap = false;
                queue.clear();
                reply(REPLY_ACK);
                reply(REPLY_BAT_OK);
                reply(ID_STANDARD);
            }
            default -> reply(REPLY_RESEND);
        }
    }

    /** Rates 200, 100, 80 in a row select ID 3; then 200, 200, 80 select ID 4. */
    private void setSampleRate(int rate) {
        sampleRate = rate;
        recentRates.addLast(rate);
        if (recentRates.size() > 3) recentRates.removeFirst();
        List<Integer> last = List.copyOf(recentRates);
        if (last.equals(List.of(200, 100, 80)) && id == ID_STANDARD) id = ID_INTELLIMOUSE;
        else if (last.equals(List.of(200, 200, 80)) && id == ID_INTELLIMOUSE) id = ID_EXPLORER;
    }

    private void setDefaults() {
        sampleRate = DEFAULT_SAMPLE_RATE;
        resolution = DEFAULT_RESOLUTION;
        scaling21 = false;
        reporting = false;
        remote = false;
        pendingDx = pendingDy = pendingDz = 0;
    }

    private void reply(int b) {
        if (queue.size() < QUEUE_SIZE) queue.add(b & 0xFF);
        dataAvailable.run();
    }

    // ---------------------------------------------------------------------------------------
    // State

    record State(List<Integer> queue, int id, int sampleRate, int resolution, boolean scaling21, boolean reporting,
                 boolean remote, boolean wrap, int pendingCommand, int lastSent, List<Integer> recentRates,
                 int buttons, int pendingDx, int pendingDy, int pendingDz) {
        State {
            String c = "i8042.mouse";
            queue = List.copyOf(queue);
            recentRates = List.copyOf(recentRates);
            if (queue.size() > QUEUE_SIZE) throw new SnapshotFormatException(c, "queue", "too long");
            if (recentRates.size() > 3) throw new SnapshotFormatException(c, "recentRates", "more than 3");
            if (id != ID_STANDARD && id != ID_INTELLIMOUSE && id != ID_EXPLORER) throw new SnapshotFormatException(c, "id");
            if ((buttons & ~BUTTONS_MASK) != 0) throw new SnapshotFormatException(c, "buttons");
        }
    }

    State save() {
        return new State(new ArrayList<>(queue), id, sampleRate, resolution, scaling21, reporting, remote, wrap,
                pendingCommand, lastSent, new ArrayList<>(recentRates), buttons, pendingDx, pendingDy, pendingDz);
    }

    void restore(State s) {
        queue.clear();
        queue.addAll(s.queue());
        id = s.id();
        sampleRate = s.sampleRate();
        resolution = s.resolution();
        scaling21 = s.scaling21();
        reporting = s.reporting();
        remote = s.remote();
        wrap = s.wrap();
        pendingCommand = s.pendingCommand();
        lastSent = s.lastSent();
        recentRates.clear();
        recentRates.addAll(s.recentRates());
        buttons = s.buttons();
        pendingDx = s.pendingDx();
        pendingDy = s.pendingDy();
        pendingDz = s.pendingDz();
    }
}
