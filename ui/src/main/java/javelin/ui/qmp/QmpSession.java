package javelin.ui.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javelin.devices.input.KeyCode;
import javelin.machine.MachineControl;
import javelin.ui.vnc.Qnum;

/**
 * One QMP connection: greeting, capabilities negotiation, commands and events, following QEMU's
 * {@code docs/interop/qmp-spec.rst}. Every reply is one JSON object on its own line; a request's
 * {@code id} (any JSON value) is echoed. Input that is not valid JSON gets a {@code GenericError}
 * reply and the session continues.
 *
 * <p>Threading: {@link #channelRead0} and the commands run on the channel's event loop;
 * {@link #sendEvent} may be called from any thread ({@link #negotiated} is volatile for that).
 */
final class QmpSession extends SimpleChannelInboundHandler<ByteBuf> {
    /** The QEMU release whose QMP this server follows; tools check it before using newer commands. */
    static final int QEMU_MAJOR = 9;
    static final int QEMU_MINOR = 2;
    static final int QEMU_MICRO = 0;
    private static final String PACKAGE = "javelin";

    private static final int BUTTON_LEFT = 1;
    private static final int BUTTON_RIGHT = 2;
    private static final int BUTTON_MIDDLE = 4;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final QmpServer server;
    private final HumanMonitor hmp;
    private final JsonFramer framer = new JsonFramer(this::onText);
    private volatile boolean negotiated;
    private ChannelHandlerContext ctx;

    QmpSession(QmpServer server) {
        this.server = server;
        this.hmp = new HumanMonitor(server.machine());
    }

    @Override public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ObjectNode version = NODES.objectNode();
        version.putObject("qemu").put("micro", QEMU_MICRO).put("minor", QEMU_MINOR).put("major", QEMU_MAJOR);
        version.put("package", PACKAGE);
        ObjectNode greeting = NODES.objectNode();
        ObjectNode qmp = greeting.putObject("QMP");
        qmp.set("version", version);
        qmp.putArray("capabilities");
        send(ctx.channel(), greeting);
        ctx.fireChannelActive();
    }

    @Override protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
        byte[] bytes = new byte[msg.readableBytes()];
        msg.readBytes(bytes);
        framer.feed(bytes, 0, bytes.length);
    }

    @Override public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        System.getLogger(QmpSession.class.getName()).log(System.Logger.Level.WARNING,
                "QMP connection " + ctx.channel().remoteAddress() + " closed: " + cause);
        ctx.close();
    }

    void sendEvent(Channel ch, String event) {
        if (!negotiated) return;
        Instant now = server.clock().instant();
        ObjectNode e = NODES.objectNode();
        e.put("event", event);
        e.putObject("data");
        e.putObject("timestamp").put("seconds", now.getEpochSecond()).put("microseconds", now.getNano() / 1000);
        send(ch, e);
    }

    private void onText(String text) {
        JsonNode id = null;
        Runnable after = null;
        ObjectNode reply = NODES.objectNode();
        try {
            JsonNode req;
            try {
                req = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw QmpError.generic("JSON parse error, " + e.getOriginalMessage());
            }
            if (req == null || !req.isObject()) throw QmpError.generic("QMP input must be a JSON object");
            id = req.get("id");
            JsonNode exec = req.get("execute");
            for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("execute") && !f.equals("arguments") && !f.equals("id") && !f.equals("exec-oob")) {
                    throw QmpError.generic("QMP input member '" + f + "' is unexpected");
                }
            }
            if (req.has("exec-oob")) throw QmpError.generic("QMP input member 'exec-oob' is unexpected");
            if (exec == null) throw QmpError.generic("QMP input lacks member 'execute'");
            if (!exec.isTextual()) throw QmpError.generic("QMP input member 'execute' must be a string");
            JsonNode args = req.get("arguments");
            if (args != null && !args.isObject()) throw QmpError.generic("QMP input member 'arguments' must be an object");
            QmpCommand cmd = QmpCommand.parse(exec.asText(), args == null ? NODES.objectNode() : (ObjectNode) args);
            if (!negotiated && !(cmd instanceof QmpCommand.QmpCapabilities)) {
                throw new QmpError(QmpError.COMMAND_NOT_FOUND, "Expecting capabilities negotiation with 'qmp_capabilities'");
            }
            reply.set("return", run(cmd));
            if (cmd instanceof QmpCommand.Quit) {
                // Off the event loop: quitting may close this server and wait for its threads.
                after = () -> Thread.ofPlatform().name("qmp-quit").start(server.machine()::quit);
            }
        } catch (QmpError e) {
            reply.removeAll();
            reply.putObject("error").put("class", e.errorClass).put("desc", e.getMessage());
        } catch (RuntimeException e) {
            // A machine-side failure (bad device name, unreadable image) must not end the session.
            reply.removeAll();
            reply.putObject("error").put("class", QmpError.GENERIC).put("desc", String.valueOf(e.getMessage()));
        }
        if (id != null) reply.set("id", id);
        Runnable then = after;
        Channel ch = ctx.channel();
        ch.writeAndFlush(encode(reply)).addListener((ChannelFutureListener) f -> {
            if (then != null) then.run();
        });
    }

    private JsonNode run(QmpCommand cmd) {
        MachineControl m = server.machine();
        return switch (cmd) {
            case QmpCommand.QmpCapabilities c -> {
                if (negotiated) {
                    throw new QmpError(QmpError.COMMAND_NOT_FOUND, "Capabilities negotiation is already complete, command ignored");
                }
                negotiated = true;
                yield empty();
            }
            case QmpCommand.QueryStatus q -> {
                MachineControl.RunState s = m.runState();
                ObjectNode r = NODES.objectNode();
                r.put("running", s == MachineControl.RunState.RUNNING);
                r.put("status", switch (s) {
                    case RUNNING -> "running";
                    case PAUSED -> "paused";
                    case SHUTDOWN -> "shutdown";
                });
                yield r;
            }
            case QmpCommand.Stop s -> {
                m.pause();
                yield empty();
            }
            case QmpCommand.Cont c -> {
                m.resume();
                yield empty();
            }
            case QmpCommand.SystemReset r -> {
                m.reset();
                yield empty();
            }
            case QmpCommand.SystemPowerdown p -> {
                m.powerButton();
                yield empty();
            }
            case QmpCommand.Quit q -> empty();
            case QmpCommand.QueryCpusFast q -> {
                ArrayNode a = NODES.arrayNode();
                for (MachineControl.CpuInfo c : m.cpus()) {
                    ObjectNode o = a.addObject();
                    o.put("cpu-index", c.index());
                    o.put("qom-path", "/machine/unattached/device[" + c.index() + "]");
                    o.put("thread-id", 0);
                    o.put("target", "i386");
                    o.putObject("props").put("core-id", 0).put("thread-id", 0).put("socket-id", c.index());
                }
                yield a;
            }
            case QmpCommand.QueryCommands q -> {
                ArrayNode a = NODES.arrayNode();
                for (String n : QmpCommand.NAMES) a.addObject().put("name", n);
                yield a;
            }
            case QmpCommand.QueryVersion q -> {
                ObjectNode v = NODES.objectNode();
                v.putObject("qemu").put("micro", QEMU_MICRO).put("minor", QEMU_MINOR).put("major", QEMU_MAJOR);
                v.put("package", PACKAGE);
                yield v;
            }
            case QmpCommand.Screendump d -> {
                boolean png = d.format() == null ? d.filename().toLowerCase().endsWith(".png") : switch (d.format()) {
                    case "png" -> true;
                    case "ppm" -> false;
                    default -> throw QmpError.generic("Parameter 'format' does not accept value '" + d.format() + "'");
                };
                try {
                    ScreenDump.write(m.framebuffer().capture(), Path.of(d.filename()), png);
                } catch (IOException e) {
                    throw QmpError.generic("Could not write '" + d.filename() + "': " + e.getMessage());
                }
                yield empty();
            }
            case QmpCommand.SendKey k -> {
                List<KeyCode> keys = new ArrayList<>();
                for (JsonNode key : k.keys()) keys.add(keyValue(key));
                for (KeyCode key : keys) m.keyEvent(key, true);
                // QEMU releases in reverse order after hold-time, without blocking the monitor.
                ctx.executor().schedule(() -> {
                    for (KeyCode key : keys.reversed()) m.keyEvent(key, false);
                }, Math.max(0, k.holdTimeMs()), TimeUnit.MILLISECONDS);
                yield empty();
            }
            case QmpCommand.InputSendEvent e -> {
                inputEvents(e.events());
                yield empty();
            }
            case QmpCommand.QueryBlock q -> {
                ArrayNode a = NODES.arrayNode();
                for (MachineControl.BlockInfo b : m.blockDevices()) {
                    ObjectNode o = a.addObject();
                    o.put("device", b.device());
                    o.put("locked", false);
                    o.put("removable", b.removable());
                    o.put("type", "unknown");
                    if (b.removable()) o.put("tray_open", false);
                    if (b.file() != null) {
                        ObjectNode ins = o.putObject("inserted");
                        ins.put("file", b.file().toString());
                        ins.put("ro", b.readOnly());
                        ins.put("drv", "raw");
                        ins.put("encrypted", false);
                    }
                }
                yield a;
            }
            case QmpCommand.Eject e -> {
                requireBlockDevice(e.device());
                m.eject(e.device());
                yield empty();
            }
            case QmpCommand.BlockdevChangeMedium c -> {
                requireBlockDevice(c.device());
                m.changeMedium(c.device(), Path.of(c.filename()));
                yield empty();
            }
            case QmpCommand.HumanMonitorCommand h -> NODES.textNode(hmp.run(h.commandLine()));
            case QmpCommand.QueryVnc q -> {
                if (server.vnc() == null) {
                    yield NODES.objectNode().put("enabled", false);
                }
                yield JSON.valueToTree(server.vnc().queryVnc());
            }
            case QmpCommand.ChangeVncPassword p -> {
                if (server.vnc() == null) throw QmpError.generic("Could not set password");
                server.vnc().setPassword(p.password());
                yield empty();
            }
        };
    }

    private void requireBlockDevice(String device) {
        for (MachineControl.BlockInfo b : server.machine().blockDevices()) {
            if (b.device().equals(device)) return;
        }
        throw new QmpError(QmpError.DEVICE_NOT_FOUND, "Device '" + device + "' not found");
    }

    /** {@code KeyValue}: {@code {"type":"qcode","data":"a"}} or {@code {"type":"number","data":30}}. */
    private static KeyCode keyValue(JsonNode key) {
        String type = key.path("type").asText("");
        JsonNode data = key.get("data");
        KeyCode k = switch (type) {
            case "qcode" -> data != null && data.isTextual() ? QKeyCodes.byName(data.asText()) : null;
            case "number" -> data != null && data.isIntegralNumber() ? Qnum.toKey(data.intValue()) : null;
            default -> throw QmpError.generic("Invalid parameter 'type': expected 'qcode' or 'number'");
        };
        if (k == null) throw QmpError.generic("Parameter 'data' has an unknown key: " + data);
        return k;
    }

    private void inputEvents(List<JsonNode> events) {
        MachineControl m = server.machine();
        int dx = 0;
        int dy = 0;
        int dz = 0;
        boolean mouse = false;
        int set = 0;
        int clear = 0;
        for (JsonNode ev : events) {
            JsonNode data = ev.path("data");
            switch (ev.path("type").asText("")) {
                case "key" -> m.keyEvent(keyValue(data.path("key")), data.path("down").asBoolean());
                case "btn" -> {
                    boolean down = data.path("down").asBoolean();
                    mouse = true;
                    int bit = switch (data.path("button").asText("")) {
                        case "left" -> BUTTON_LEFT;
                        case "right" -> BUTTON_RIGHT;
                        case "middle" -> BUTTON_MIDDLE;
                        case "wheel-up" -> {
                            if (down) dz--;
                            yield 0;
                        }
                        case "wheel-down" -> {
                            if (down) dz++;
                            yield 0;
                        }
                        default -> throw QmpError.generic("Invalid parameter 'button'");
                    };
                    if (down) {
                        set |= bit;
                        clear &= ~bit;
                    } else {
                        clear |= bit;
                        set &= ~bit;
                    }
                }
                case "rel" -> {
                    mouse = true;
                    int v = data.path("value").asInt();
                    switch (data.path("axis").asText("")) {
                        case "x" -> dx += v;
                        case "y" -> dy += v;
                        default -> throw QmpError.generic("Invalid parameter 'axis'");
                    }
                }
                case "abs" -> throw QmpError.generic("absolute pointer events need a tablet; this machine has a PS/2 mouse");
                default -> throw QmpError.generic("Invalid parameter 'type'");
            }
        }
        if (mouse) m.mouseEvent(dx, dy, dz, server.updateButtons(set, clear));
    }

    private static ObjectNode empty() {
        return NODES.objectNode();
    }

    private static void send(Channel ch, JsonNode node) {
        ch.writeAndFlush(encode(node));
    }

    private static ByteBuf encode(JsonNode node) {
        try {
            return Unpooled.wrappedBuffer((JSON.writeValueAsString(node) + "\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a reply tree always serializes", e);
        }
    }

}
