package dev.kerf.retargeter.jvm;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for minijvm in tests: runs a program on the host with scripted inputs (stdin, a
 * clock, files) and logs every native call at its bytecode position, as minijvm's hooks would,
 * giving the JVM log a real retarget would make.
 */
final class HostRecorder implements SysNatives {
    private final byte[] stdin;
    private final long clock;
    private final Map<String, byte[]> files;
    private final List<NativeCall> calls = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private int inPos;

    HostRecorder(byte[] stdin, long clock, Map<String, byte[]> files) {
        this.stdin = stdin;
        this.clock = clock;
        this.files = files;
    }

    /** Records {@code main} of the classes with {@code args}. */
    static JvmLog record(List<JvmClass> classes, String main, List<String> args, byte[] stdin, long clock, Map<String, byte[]> files)
            throws Exception {
        HostRecorder rec = new HostRecorder(stdin, clock, files);
        JvmClassLoader loader = new JvmClassLoader(classes, "P.kjvm", null);
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            ActiveReplay.set(rec);
            try {
                loader.loadClass(main.replace('/', '.')).getMethod("main", String[].class).invoke(null, (Object) args.toArray(new String[0]));
            } catch (InvocationTargetException e) {
                thrown[0] = e.getCause();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            } finally {
                ActiveReplay.set(null);
            }
        });
        t.start();
        t.join();
        String uncaught = thrown[0] == null ? null : UncaughtText.of(thrown[0], loader.programClasses());
        long[] digest = JvmLog.outputDigest(rec.calls, uncaught);
        return new JvmLog(main, args, classes, rec.calls, new JvmOutcome(uncaught == null ? 0 : 1, uncaught, digest[0], (int) digest[1]));
    }

    private void log(NativeKind kind, long result, boolean isNull, byte[] data) {
        StackWalker.StackFrame f = CallerFrame.ofSysCall();
        calls.add(new NativeCall(calls.size(), kind, f.getClassName().replace('.', '/'), f.getMethodName(), f.getDescriptor(),
                f.getByteCodeIndex(), result, isNull, data));
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = Math.min(len, stdin.length - inPos);
        if (n <= 0) {
            log(NativeKind.READ, -1, false, new byte[0]);
            return -1;
        }
        System.arraycopy(stdin, inPos, b, off, n);
        log(NativeKind.READ, n, false, Arrays.copyOfRange(stdin, inPos, inPos + n));
        inPos += n;
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        output.write(b, off, len);
        log(NativeKind.WRITE, 0, false, Arrays.copyOfRange(b, off, off + len));
    }

    @Override
    public void print(String s) {
        output.writeBytes(CharBytes.of(s));
        log(NativeKind.PRINT, 0, false, CharBytes.of(s));
    }

    @Override
    public long time() {
        log(NativeKind.TIME, clock, false, new byte[0]);
        return clock;
    }

    @Override
    public byte[] readFile(String path) {
        byte[] f = files.get(path);
        log(NativeKind.READ_FILE, 0, f == null, f == null ? new byte[0] : f);
        return f == null ? null : f.clone();
    }
}
