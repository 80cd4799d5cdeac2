package javelin.ui.vnc;

import java.util.Arrays;

/**
 * Finds a vertical scroll inside an update so it can be sent as CopyRect (RFC 6143 7.7.2): the
 * framebuffer records only which pixels changed, not that they moved, so the session keeps a
 * shadow of what the client shows and looks for a run of new rows that equal shadow rows a fixed
 * distance away (a console or a browser scrolling). Rows are compared by hash, then confirmed
 * pixel by pixel, so a hash collision can never corrupt the client's screen.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
final class ScrollDetector {
    /** Fewer moved rows than this are not worth a rectangle header and a second rectangle. */
    static final int MIN_ROWS = 8;
    /** Candidate shifts tried per update; each costs one pass over the region's row hashes. */
    private static final int MAX_CANDIDATES = 8;

    /** A block of {@code rows} rows at {@code y} whose pixels are the shadow's rows at {@code y + dy}. */
    record Move(int y, int rows, int dy) { }

    private ScrollDetector() { }

    /**
     * @param shadow  the client's screen, ARGB, {@code screenWidth} wide, {@code screenHeight} high
     * @param fresh   the region's new pixels, ARGB, {@code w} wide, {@code h} high, at ({@code rx}, {@code ry})
     * @return the longest run of moved rows, or null
     */
    static Move find(int[] shadow, int screenWidth, int screenHeight, int[] fresh, int rx, int ry, int w, int h) {
        if (h < MIN_ROWS) return null;
        long[] oldHash = new long[screenHeight];
        for (int y = 0; y < screenHeight; y++) oldHash[y] = hash(shadow, y * screenWidth + rx, w);
        long[] newHash = new long[h];
        for (int y = 0; y < h; y++) newHash[y] = hash(fresh, y * w, w);
        Move best = null;
        int tried = 0;
        // Candidates: where the region's middle rows appear elsewhere in the old screen.
        for (int probe : new int[] {h / 2, h / 4, 3 * h / 4}) {
            for (int src = 0; src < screenHeight && tried < MAX_CANDIDATES; src++) {
                int dy = src - (ry + probe);
                if (dy == 0 || oldHash[src] != newHash[probe]) continue;
                tried++;
                Move m = longestRun(oldHash, newHash, ry, h, dy, screenHeight);
                if (m != null && (best == null || m.rows() > best.rows())) best = m;
            }
        }
        if (best == null || best.rows() < MIN_ROWS) return null;
        // Confirm pixel by pixel.
        for (int r = 0; r < best.rows(); r++) {
            int newRow = best.y() - ry + r;
            int oldRow = best.y() + r + best.dy();
            if (!Arrays.equals(fresh, newRow * w, newRow * w + w, shadow, oldRow * screenWidth + rx, oldRow * screenWidth + rx + w)) {
                return null;
            }
        }
        return best;
    }

    private static Move longestRun(long[] oldHash, long[] newHash, int ry, int h, int dy, int screenHeight) {
        int bestStart = -1;
        int bestLen = 0;
        int start = -1;
        for (int r = 0; r <= h; r++) {
            int src = ry + r + dy;
            boolean match = r < h && src >= 0 && src < screenHeight && oldHash[src] == newHash[r]
                    && oldHash[ry + r] != newHash[r];     // rows unchanged in place need no copy
            if (match && start < 0) start = r;
            if (!match && start >= 0) {
                if (r - start > bestLen) {
                    bestLen = r - start;
                    bestStart = start;
                }
                start = -1;
            }
        }
        return bestLen == 0 ? null : new Move(ry + bestStart, bestLen, dy);
    }

    private static long hash(int[] px, int from, int n) {
        long h = 1;
        for (int i = from; i < from + n; i++) h = h * 0x100000001B3L + px[i];
        return h;
    }
}
