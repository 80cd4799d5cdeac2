package javelin.ui.fx;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/**
 * Starts JavaFX once per test JVM on its built-in headless platform (STACK.md: JavaFX 26,
 * software rendering) and runs test steps on its thread. Other tests in this JVM never start
 * JavaFX, so starting it here directly is safe.
 */
final class FxThread {
    private static boolean started;

    private FxThread() { }

    static synchronized void start() throws Exception {
        if (started) return;
        System.setProperty("glass.platform", "Headless");
        System.setProperty("prism.order", "sw");
        CompletableFuture<Void> up = new CompletableFuture<>();
        Platform.startup(() -> up.complete(null));
        up.get(30, TimeUnit.SECONDS);
        Platform.setImplicitExit(false);
        started = true;
    }

    /** Runs {@code step} on the JavaFX thread and returns its result (30 s backstop). */
    static <T> T call(Callable<T> step) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(step.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result.get(30, TimeUnit.SECONDS);
    }

    static void run(Runnable step) throws Exception {
        call(() -> {
            step.run();
            return null;
        });
    }
}
