package javelin.ui.fx;

import java.util.concurrent.Callable;

/**
 * {@link FxThread} for tests in other packages ({@code javelin.ui.fx.terminal},
 * {@code javelin.ui.fx.config}): one JavaFX start-up per test JVM, whichever test comes first.
 */
public final class FxTests {
    private FxTests() { }

    public static void start() throws Exception {
        FxThread.start();
    }

    public static <T> T call(Callable<T> step) throws Exception {
        return FxThread.call(step);
    }

    public static void run(Runnable step) throws Exception {
        FxThread.run(step);
    }
}
