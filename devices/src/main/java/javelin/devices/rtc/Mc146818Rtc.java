package javelin.devices.rtc;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PortDevice;
import javelin.softmmu.Timer;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.Stateful;

/**
 * Motorola MC146818A real-time clock with 128 bytes of CMOS RAM; index port base+0, data port
 * base+1 (PC 0x70/0x71). Bit 7 of the index is the PC's NMI mask (board reads it with
 * {@link #isNmiMasked()}); the interrupt output is wired to IRQ 8.
 *
 * <p>Source: Motorola MC146818A datasheet, "Address Map", "Time, Calendar and Alarm
 * Locations" (binary and BCD formats), "Register A"–"Register D", "Update Cycle",
 * "Interrupts", the periodic rate table for a 32.768 kHz time base; IBM PC/AT Technical
 * Reference, "CMOS RAM Address Map" (century at 0x32); the SeaBIOS source for the memory size
 * and boot order bytes it reads.
 *
 * <p>The time is not ticked: it is {@code baseSeconds} (calendar seconds since 1970, local time
 * as the guest sees it) plus the whole seconds of virtual time since {@code baseNanos}; each
 * second boundary after {@code baseNanos} is an update cycle. Flags are brought up to date when
 * register C is read; {@link Timer}s run only while an interrupt is enabled (PIE, or UIE/AIE).
 *
 * <p>Modelled: time/calendar/alarm registers in binary or BCD and 12/24 hours, alarm
 * "don't care" values (0xC0–0xFF), SET, divider reset (DV2–DV0 = 11x stops the clock; on release
 * the first update comes 500 ms later), UIP, periodic rates RS3–RS0, PF/AF/UF/IRQF with register
 * C clear on read, VRT. Not modelled: daylight saving (DSE is stored only), the SQW pin,
 * divider values other than 010 and 11x (treated as 010), the 1984 µs update duration.
 *
 * <p>Open questions and choices:
 * <ol>
 * <li>UIP reads 1 during the 244 µs before each update (the datasheet's guarantee: UIP = 0 means
 *     at least 244 µs remain).</li>
 * <li>Out-of-range values written to time registers are clamped into a valid date (the real
 *     chip counts on from garbage); the clamp is logged once.</li>
 * <li>Periodic edges are aligned to the virtual clock's zero, not to the last divider reset.</li>
 * </ol>
 *
 * <p>Threading: port access, the board-facing setters and the timers run with the machine lock held.
 */
public final class Mc146818Rtc implements PortDevice, Stateful<Mc146818Rtc.State> {
    private static final System.Logger LOG = System.getLogger(Mc146818Rtc.class.getName());

    // Port offsets.
    static final int REG_INDEX = 0;
    static final int REG_DATA = 1;
    static final int INDEX_NMI_DISABLE = 0x80;
    static final int INDEX_MASK = 0x7F;

    // CMOS locations (MC146818A address map, then the PC/AT and SeaBIOS assignments).
    static final int CMOS_SECONDS = 0x00;
    static final int CMOS_SECONDS_ALARM = 0x01;
    static final int CMOS_MINUTES = 0x02;
    static final int CMOS_MINUTES_ALARM = 0x03;
    static final int CMOS_HOURS = 0x04;
    static final int CMOS_HOURS_ALARM = 0x05;
    static final int CMOS_DAY_OF_WEEK = 0x06;
    static final int CMOS_DAY_OF_MONTH = 0x07;
    static final int CMOS_MONTH = 0x08;
    static final int CMOS_YEAR = 0x09;
    static final int CMOS_REG_A = 0x0A;
    static final int CMOS_REG_B = 0x0B;
    static final int CMOS_REG_C = 0x0C;
    static final int CMOS_REG_D = 0x0D;
    static final int CMOS_BASE_MEMORY_LOW = 0x15;
    static final int CMOS_BASE_MEMORY_HIGH = 0x16;
    static final int CMOS_EXTENDED_MEMORY_LOW = 0x17;
    static final int CMOS_EXTENDED_MEMORY_HIGH = 0x18;
    static final int CMOS_CENTURY = 0x32;
    static final int CMOS_EXTENDED_MEMORY_LOW_COPY = 0x30;
    static final int CMOS_EXTENDED_MEMORY_HIGH_COPY = 0x31;
    static final int CMOS_MEMORY_ABOVE_16M_LOW = 0x34;
    static final int CMOS_MEMORY_ABOVE_16M_HIGH = 0x35;
    static final int CMOS_BOOT_ORDER_THIRD = 0x38;       // bits 7:4 third device; bit 0 skip floppy signature
    static final int CMOS_BOOT_ORDER_FIRST_SECOND = 0x3D; // bits 3:0 first, 7:4 second
    static final int CMOS_MEMORY_ABOVE_4G = 0x5B;         // 0x5B..0x5D, 64 KiB units
    static final int CMOS_SIZE = 128;

    // Register A.
    static final int REG_A_UIP = 0x80;
    static final int REG_A_DV_MASK = 0x70;
    static final int REG_A_DV_NORMAL = 0x20;
    static final int REG_A_DV_RESET = 0x60;              // 11x: divider held in reset
    static final int REG_A_RS_MASK = 0x0F;
    // Register B.
    static final int REG_B_SET = 0x80;
    static final int REG_B_PIE = 0x40;
    static final int REG_B_AIE = 0x20;
    static final int REG_B_UIE = 0x10;
    static final int REG_B_SQWE = 0x08;
    static final int REG_B_DM_BINARY = 0x04;
    static final int REG_B_24H = 0x02;
    static final int REG_B_DSE = 0x01;
    // Register C.
    static final int REG_C_IRQF = 0x80;
    static final int REG_C_PF = 0x40;
    static final int REG_C_AF = 0x20;
    static final int REG_C_UF = 0x10;
    // Register D.
    static final int REG_D_VRT = 0x80;
    // Hours register, 12-hour mode.
    static final int HOURS_PM = 0x80;
    static final int ALARM_DONT_CARE = 0xC0;

    /** Power-on values QEMU and SeaBIOS expect: 32.768 kHz divider, 1024 Hz rate, 24 h, BCD. */
    static final int REG_A_POWER_ON = REG_A_DV_NORMAL | 0x06;
    static final int REG_B_POWER_ON = REG_B_24H;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long TIME_BASE_HZ = 32_768;
    private static final long UIP_NANOS = 244_000;
    private static final long SECONDS_PER_DAY = 86_400;

    /** Boot devices as SeaBIOS decodes the CMOS boot order nibbles. */
    public enum BootDevice {
        FLOPPY(1), HARD_DISK(2), CDROM(3), NETWORK(4);

        final int code;

        BootDevice(int code) { this.code = code; }
    }

    // --- wiring ---
    private final int base;
    private final VirtualClock clock;
    private final IrqLine irq;
    private final Timer periodicTimer;
    private final Timer updateTimer;

    // --- registers and RAM ---
    private final int[] cmos = new int[CMOS_SIZE];  // time registers hold the frozen time while stopped
    private int index;                              // index port incl. the NMI disable bit

    // --- time keeping ---
    private long baseSeconds;       // calendar seconds since 1970-01-01T00:00 at baseNanos
    private long baseNanos;         // virtual time of the update that started baseSeconds
    private long frozenPhase;       // nanoseconds into the second when the clock stopped
    private long flagsCheckedAt;    // virtual time up to which PF/UF/AF are accounted for

    private boolean loggedBadAccess;
    private boolean loggedClamp;

    /**
     * @param base  the index port (0x70 on a PC)
     * @param irq   the IRQ 8 line
     * @param start the time to start from, in the guest's local time (the board passes the host's)
     */
    public Mc146818Rtc(int base, VirtualClock clock, IrqLine irq, LocalDateTime start) {
        this.base = base;
        this.clock = Objects.requireNonNull(clock);
        this.irq = Objects.requireNonNull(irq);
        this.periodicTimer = clock.newTimer("rtc.periodic", this::timerExpired);
        this.updateTimer = clock.newTimer("rtc.update", this::timerExpired);
        long now = clock.nanos();
        baseSeconds = start.withNano(0).toEpochSecond(ZoneOffset.UTC);
        baseNanos = now - start.getNano();
        flagsCheckedAt = now;
        cmos[CMOS_REG_A] = REG_A_POWER_ON;
        cmos[CMOS_REG_B] = REG_B_POWER_ON;
        cmos[CMOS_REG_D] = REG_D_VRT;
    }

    /** True while the guest has set bit 7 of the index port (NMI disabled). */
    public boolean isNmiMasked() {
        return (index & INDEX_NMI_DISABLE) != 0;
    }

    // ---------------------------------------------------------------------------------------
    // Board-facing NVRAM setup

    /** Writes a CMOS byte the firmware reads (drive types, equipment, CPU count at 0x5F...). */
    public void writeNvram(int location, int value) {
        cmos[location & INDEX_MASK] = value & 0xFF;
    }

    public int readNvram(int location) {
        return cmos[location & INDEX_MASK];
    }

    /**
     * Sets the memory size bytes SeaBIOS reads: 640 KiB base memory, extended memory in KiB
     * above 1 MiB (capped at 0xFFFF, 0x17/0x18 and 0x30/0x31), 64 KiB units above 16 MiB below
     * 4 GiB (0x34/0x35) and above 4 GiB (0x5B–0x5D).
     */
    public void setMemorySize(long bytesBelow4G, long bytesAbove4G) {
        writeWord(CMOS_BASE_MEMORY_LOW, 640);
        long extendedKib = Math.min(Math.max(bytesBelow4G - (1 << 20), 0) / 1024, 0xFFFF);
        writeWord(CMOS_EXTENDED_MEMORY_LOW, (int) extendedKib);
        writeWord(CMOS_EXTENDED_MEMORY_LOW_COPY, (int) extendedKib);
        long above16M = Math.min(Math.max(bytesBelow4G - (16 << 20), 0) >> 16, 0xFFFF);
        writeWord(CMOS_MEMORY_ABOVE_16M_LOW, (int) above16M);
        long above4G = Math.min(Math.max(bytesAbove4G, 0) >> 16, 0xFF_FFFF);
        cmos[CMOS_MEMORY_ABOVE_4G] = (int) (above4G & 0xFF);
        cmos[CMOS_MEMORY_ABOVE_4G + 1] = (int) (above4G >> 8 & 0xFF);
        cmos[CMOS_MEMORY_ABOVE_4G + 2] = (int) (above4G >> 16 & 0xFF);
    }

    /** Sets up to three boot devices in order and whether SeaBIOS checks the floppy boot signature. */
    public void setBootOrder(List<BootDevice> order, boolean checkFloppySignature) {
        if (order.size() > 3) throw new IllegalArgumentException("at most three boot devices: " + order);
        int[] codes = new int[3];
        for (int i = 0; i < order.size(); i++) codes[i] = order.get(i).code;
        cmos[CMOS_BOOT_ORDER_FIRST_SECOND] = codes[1] << 4 | codes[0];
        cmos[CMOS_BOOT_ORDER_THIRD] = codes[2] << 4 | (checkFloppySignature ? 0 : 1);
    }

    private void writeWord(int location, int value) {
        cmos[location] = value & 0xFF;
        cmos[location + 1] = value >> 8 & 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // Guest access

    @Override public int ioRead(int port, int size) {
        return switch (port - base) {
            case REG_INDEX -> 0xFF;                      // write-only on the PIIX3
            case REG_DATA -> readRegister(index & INDEX_MASK);
            default -> badAccess("read", port);
        };
    }

    @Override public void ioWrite(int port, int size, int value) {
        value &= 0xFF;
        switch (port - base) {
            case REG_INDEX -> index = value;
            case REG_DATA -> writeRegister(index & INDEX_MASK, value);
            default -> badAccess("write", port);
        }
    }

    private int readRegister(int location) {
        long now = clock.nanos();
        switch (location) {
            case CMOS_REG_A -> {
                return cmos[CMOS_REG_A] | (updateInProgress(now) ? REG_A_UIP : 0);
            }
            case CMOS_REG_C -> {
                catchUpFlags(now);
                int value = cmos[CMOS_REG_C];
                cmos[CMOS_REG_C] = 0;
                updateOutputs();
                return value;
            }
            case CMOS_REG_D -> {
                return REG_D_VRT;
            }
            default -> {
                if (isTimeRegister(location) && running()) return timeRegisters(currentSeconds(now))[location];
                return cmos[location];
            }
        }
    }

    private void writeRegister(int location, int value) {
        long now = clock.nanos();
        catchUpFlags(now);
        switch (location) {
            case CMOS_REG_A -> writeRegisterA(now, value);
            case CMOS_REG_B -> writeRegisterB(now, value);
            case CMOS_REG_C, CMOS_REG_D -> { }           // read-only
            default -> {
                if (isTimeRegister(location) && running()) {
                    int[] regs = timeRegisters(currentSeconds(now));
                    regs[location] = value;
                    long phase = Math.floorMod(now - baseNanos, NANOS_PER_SECOND);
                    baseSeconds = parseTime(regs);
                    baseNanos = now - phase;
                } else {
                    cmos[location] = value;
                }
            }
        }
        updateOutputs();
    }

    private void writeRegisterA(long now, int value) {
        boolean wasRunning = running();
        cmos[CMOS_REG_A] = value & ~REG_A_UIP;
        if (wasRunning && !running()) {
            stopClock(now);
        } else if (!wasRunning && running()) {
            // Released from divider reset: the first update comes half a second later (datasheet).
            startClock(now, NANOS_PER_SECOND / 2);
        }
    }

    private void writeRegisterB(long now, int value) {
        boolean wasRunning = running();
        if ((value & REG_B_SET) != 0) value &= ~REG_B_UIE;    // SET clears UIE (datasheet, register B)
        cmos[CMOS_REG_B] = value;
        if (wasRunning && !running()) stopClock(now);
        else if (!wasRunning && running()) startClock(now, frozenPhase);
    }

    private void stopClock(long now) {
        long phase = Math.floorMod(now - baseNanos, NANOS_PER_SECOND);
        int[] regs = timeRegisters(currentSeconds(now));
        for (int r = 0; r < CMOS_SIZE; r++) if (isTimeRegister(r)) cmos[r] = regs[r];
        frozenPhase = phase;
    }

    /** Restarts counting from the time registers, {@code phase} ns into the current second. */
    private void startClock(long now, long phase) {
        baseSeconds = parseTime(cmos);
        baseNanos = now - phase;
        flagsCheckedAt = now;
    }

    // ---------------------------------------------------------------------------------------
    // Time

    private boolean dividerInReset() {
        return (cmos[CMOS_REG_A] & REG_A_DV_RESET) == REG_A_DV_RESET;
    }

    /** True while the time advances: not SET and the divider not in reset. */
    private boolean running() {
        return (cmos[CMOS_REG_B] & REG_B_SET) == 0 && !dividerInReset();
    }

    private long currentSeconds(long now) {
        return baseSeconds + Math.floorDiv(now - baseNanos, NANOS_PER_SECOND);
    }

    private boolean updateInProgress(long now) {
        return running() && Math.floorMod(now - baseNanos, NANOS_PER_SECOND) >= NANOS_PER_SECOND - UIP_NANOS;
    }

    private static boolean isTimeRegister(int location) {
        return location == CMOS_SECONDS || location == CMOS_MINUTES || location == CMOS_HOURS
                || (location >= CMOS_DAY_OF_WEEK && location <= CMOS_YEAR) || location == CMOS_CENTURY;
    }

    /** The time registers for calendar second {@code seconds}, in the format register B selects. */
    private int[] timeRegisters(long seconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        int[] regs = cmos.clone();
        regs[CMOS_SECONDS] = encode(t.getSecond());
        regs[CMOS_MINUTES] = encode(t.getMinute());
        regs[CMOS_HOURS] = encodeHour(t.getHour());
        regs[CMOS_DAY_OF_WEEK] = encode(t.getDayOfWeek().getValue() % 7 + 1);   // 1 = Sunday
        regs[CMOS_DAY_OF_MONTH] = encode(t.getDayOfMonth());
        regs[CMOS_MONTH] = encode(t.getMonthValue());
        regs[CMOS_YEAR] = encode(Math.floorMod(t.getYear(), 100));
        regs[CMOS_CENTURY] = encode(Math.floorMod(t.getYear() / 100, 100));
        return regs;
    }

    /** Calendar seconds from time registers; invalid fields are clamped (logged once). */
    private long parseTime(int[] regs) {
        int second = clamp(decode(regs[CMOS_SECONDS]), 0, 59);
        int minute = clamp(decode(regs[CMOS_MINUTES]), 0, 59);
        int hour = clamp(decodeHour(regs[CMOS_HOURS]), 0, 23);
        int month = clamp(decode(regs[CMOS_MONTH]), 1, 12);
        int year = clamp(decode(regs[CMOS_CENTURY]), 0, 99) * 100 + clamp(decode(regs[CMOS_YEAR]), 0, 99);
        int day = clamp(decode(regs[CMOS_DAY_OF_MONTH]), 1, LocalDate.of(year, month, 1).lengthOfMonth());
        return LocalDateTime.of(year, month, day, hour, minute, second).toEpochSecond(ZoneOffset.UTC);
    }

    private int clamp(int v, int min, int max) {
        if (v >= min && v <= max) return v;
        if (!loggedClamp) {
            loggedClamp = true;
            LOG.log(System.Logger.Level.WARNING, "rtc: guest wrote an invalid time field {0}; clamped (logged once)", v);
        }
        return Math.clamp(v, min, max);
    }

    private boolean binary() {
        return (cmos[CMOS_REG_B] & REG_B_DM_BINARY) != 0;
    }

    private int encode(int v) {
        return binary() ? v : (v / 10) << 4 | v % 10;
    }

    private int decode(int v) {
        return binary() ? v : (v >> 4) * 10 + (v & 0xF);
    }

    private int encodeHour(int hour) {
        if ((cmos[CMOS_REG_B] & REG_B_24H) != 0) return encode(hour);
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        return encode(h12) | (hour >= 12 ? HOURS_PM : 0);
    }

    private int decodeHour(int value) {
        if ((cmos[CMOS_REG_B] & REG_B_24H) != 0) return decode(value);
        int h12 = decode(value & ~HOURS_PM) % 12;
        return (value & HOURS_PM) != 0 ? h12 + 12 : h12;
    }

    // ---------------------------------------------------------------------------------------
    // Interrupt flags

    /** Periodic interrupt period in 32.768 kHz ticks, or 0 when RS = 0 (periodic rate table). */
    private long periodicTicks() {
        int rs = cmos[CMOS_REG_A] & REG_A_RS_MASK;
        if (rs == 0 || dividerInReset()) return 0;
        if (rs <= 2) rs += 7;                       // 32.768 kHz: rates 1 and 2 repeat 8 and 9
        return 1L << (rs - 1);
    }

    static long ticks32At(long nanos) {
        return Math.floorDiv(nanos, NANOS_PER_SECOND) * TIME_BASE_HZ
                + Math.floorMod(nanos, NANOS_PER_SECOND) * TIME_BASE_HZ / NANOS_PER_SECOND;
    }

    static long nanosOfTick32(long tick) {
        return Math.floorDiv(tick, TIME_BASE_HZ) * NANOS_PER_SECOND
                + (Math.floorMod(tick, TIME_BASE_HZ) * NANOS_PER_SECOND + TIME_BASE_HZ - 1) / TIME_BASE_HZ;
    }

    /** Sets PF, UF and AF for every periodic edge and update cycle in (flagsCheckedAt, now]. */
    private void catchUpFlags(long now) {
        if (now <= flagsCheckedAt) return;
        long period = periodicTicks();
        if (period != 0 && Math.floorDiv(ticks32At(now), period) > Math.floorDiv(ticks32At(flagsCheckedAt), period)) {
            cmos[CMOS_REG_C] |= REG_C_PF;
        }
        if (running()) {
            long first = Math.floorDiv(flagsCheckedAt - baseNanos, NANOS_PER_SECOND) + 1;
            long last = Math.floorDiv(now - baseNanos, NANOS_PER_SECOND);
            if (last >= first) {
                cmos[CMOS_REG_C] |= REG_C_UF;
                // A day of updates covers every alarm pattern, so older seconds need no check.
                for (long k = Math.max(first, last - SECONDS_PER_DAY); k <= last; k++) {
                    if (alarmMatches(baseSeconds + k)) {
                        cmos[CMOS_REG_C] |= REG_C_AF;
                        break;
                    }
                }
            }
        }
        flagsCheckedAt = now;
    }

    private boolean alarmMatches(long seconds) {
        long s = Math.floorMod(seconds, SECONDS_PER_DAY);
        return alarmField(CMOS_SECONDS_ALARM, encode((int) (s % 60)))
                && alarmField(CMOS_MINUTES_ALARM, encode((int) (s / 60 % 60)))
                && alarmField(CMOS_HOURS_ALARM, encodeHour((int) (s / 3600)));
    }

    private boolean alarmField(int location, int current) {
        int alarm = cmos[location];
        return (alarm & ALARM_DONT_CARE) == ALARM_DONT_CARE || alarm == current;
    }

    private void timerExpired() {
        catchUpFlags(clock.nanos());
        updateOutputs();
    }

    /** Recomputes IRQF and the IRQ 8 line, and arms the timers the enabled interrupts need. */
    void updateOutputs() {
        int enabled = cmos[CMOS_REG_B] & (REG_B_PIE | REG_B_AIE | REG_B_UIE);
        int flags = cmos[CMOS_REG_C] & (REG_C_PF | REG_C_AF | REG_C_UF);
        boolean irqf = (flags & enabled) != 0;      // enable bits line up with their flags
        cmos[CMOS_REG_C] = flags | (irqf ? REG_C_IRQF : 0);
        irq.setLevel(irqf);
        long now = clock.nanos();
        long period = periodicTicks();
        if ((enabled & REG_B_PIE) != 0 && period != 0 && !irqf) {
            periodicTimer.armAt(nanosOfTick32((Math.floorDiv(ticks32At(now), period) + 1) * period));
        } else {
            periodicTimer.cancel();
        }
        if ((enabled & (REG_B_AIE | REG_B_UIE)) != 0 && running() && !irqf) {
            updateTimer.armAt(baseNanos + (Math.floorDiv(now - baseNanos, NANOS_PER_SECOND) + 1) * NANOS_PER_SECOND);
        } else {
            updateTimer.cancel();
        }
    }

    private int badAccess(String what, int port) {
        if (!loggedBadAccess) {
            loggedBadAccess = true;
            LOG.log(System.Logger.Level.WARNING, "rtc: guest {0} of port {1} ignored (logged once)",
                    what, String.format("%#x", port));
        }
        return 0xFF;
    }

    // ---------------------------------------------------------------------------------------
    // State

    /**
     * {@code cmos}: the 128 bytes (time registers hold the stopped time while SET or the divider
     * reset stops the clock). {@code baseSeconds}: calendar seconds since 1970 (guest local time).
     * {@code baseNanos} and {@code flagsCheckedAt} are relative to the virtual clock at save time.
     */
    public record State(int version, int index, List<Integer> cmos, long baseSeconds, long baseNanos,
                        long frozenPhase, long flagsCheckedAt) {
        public static final int VERSION = 1;

        public State {
            String c = "rtc";
            if (version != VERSION) throw new SnapshotFormatException(c, "version", "unsupported " + version);
            if ((index & ~0xFF) != 0) throw new SnapshotFormatException(c, "index");
            cmos = List.copyOf(cmos);
            if (cmos.size() != CMOS_SIZE) throw new SnapshotFormatException(c, "cmos", "need 128 bytes");
            for (int b : cmos) if ((b & ~0xFF) != 0) throw new SnapshotFormatException(c, "cmos", "not a byte: " + b);
            if (frozenPhase < 0 || frozenPhase >= NANOS_PER_SECOND) throw new SnapshotFormatException(c, "frozenPhase");
            if (flagsCheckedAt > 0) throw new SnapshotFormatException(c, "flagsCheckedAt", "in the future");
        }
    }

    @Override public State saveState() {
        long now = clock.nanos();
        List<Integer> bytes = new ArrayList<>(CMOS_SIZE);
        for (int b : cmos) bytes.add(b);
        return new State(State.VERSION, index, bytes, baseSeconds, baseNanos - now, frozenPhase,
                flagsCheckedAt - now);
    }

    @Override public void restoreState(State s) {
        long now = clock.nanos();
        index = s.index();
        for (int i = 0; i < CMOS_SIZE; i++) cmos[i] = s.cmos().get(i);
        baseSeconds = s.baseSeconds();
        baseNanos = now + s.baseNanos();
        frozenPhase = s.frozenPhase();
        flagsCheckedAt = now + s.flagsCheckedAt();
        updateOutputs();
    }
}
