package dev.kerf.retargeter.jvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a replay in a child JVM a debugger can attach to: {@code java} from this JVM's
 * {@code java.home}, the same class path, and
 * {@code -agentlib:jdwp=transport=dt_socket,server=y,suspend=y,quiet=y,address=PORT}, so the
 * child waits for a debugger before the program's first instruction. The child's stdout and
 * stderr are copied to ours as they come; its exit code is returned. {@code quiet=y} keeps the
 * agent's own "Listening..." line out of the program's output; the caller says where to attach.
 */
public final class JdwpChild {
    private JdwpChild() {}

    /** The child's command line for {@code mainClass args} with the agent on {@code port}. */
    public static List<String> command(int port, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,quiet=y,address=" + port);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Starts the child, copies its output until it ends, and returns its exit code. */
    public static int run(int port, String mainClass, List<String> args, OutputStream out, PrintWriter err)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(port, mainClass, args)).start();
        p.getOutputStream().close();
        Thread copyOut = copier(p.getInputStream(), out, null);
        Thread copyErr = copier(p.getErrorStream(), null, err);
        try {
            int code = p.waitFor();
            copyOut.join();
            copyErr.join();
            return code;
        } finally {
            p.destroy();
        }
    }

    private static Thread copier(InputStream in, OutputStream out, PrintWriter err) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (out != null) {
                        out.write(buf, 0, n);
                        out.flush();
                    } else {
                        err.write(new String(buf, 0, n, StandardCharsets.UTF_8));
                        err.flush();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "jdwp-child-copier");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
