package javelin.ui.qmp;

import java.io.ByteArrayOutputStream;
import java.util.function.Consumer;

/**
 * Splits a QMP byte stream into top-level JSON texts, as QEMU's JSON streamer does: it tracks
 * nesting of braces and brackets outside strings and hands over a text when the nesting returns
 * to zero. Input that is not a bracketed value (stray words, a lone closing brace) is handed over
 * at the next newline or as soon as it closes too much, so the parser can reply with an error and
 * the session goes on (the issue: malformed JSON gets an error reply, not a dropped connection).
 * A text longer than {@link #MAX_TEXT} is cut off and handed over (it then fails to parse).
 *
 * <p>Not thread-safe: one per connection, fed on its event loop.
 */
final class JsonFramer {
    /** QEMU limits a single QMP text similarly (MAX_TOKEN_SIZE, 64 MiB); 1 MiB is plenty for us. */
    static final int MAX_TEXT = 1 << 20;

    private final Consumer<String> sink;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private int depth;
    private boolean inString;
    private boolean escape;

    JsonFramer(Consumer<String> sink) {
        this.sink = sink;
    }

    void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) feed(bytes[i] & 0xFF);
    }

    private void feed(int b) {
        if (text.size() == 0 && depth == 0 && Character.isWhitespace(b)) return;
        text.write(b);
        if (inString) {
            if (escape) {
                escape = false;
            } else if (b == '\\') {
                escape = true;
            } else if (b == '"') {
                inString = false;
            } else if (b == '\n') {
                // A raw newline cannot be inside a JSON string: treat the text as broken.
                inString = false;
                emit();
                return;
            }
        } else if (b == '"') {
            inString = true;
        } else if (b == '{' || b == '[') {
            depth++;
        } else if (b == '}' || b == ']') {
            depth--;
            if (depth <= 0) {
                emit();
                return;
            }
        } else if (b == '\n' && depth == 0) {
            emit();
            return;
        }
        if (text.size() >= MAX_TEXT) emit();
    }

    private void emit() {
        String s = text.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        text.reset();
        depth = 0;
        inString = false;
        escape = false;
        if (!s.isEmpty()) sink.accept(s);
    }
}
