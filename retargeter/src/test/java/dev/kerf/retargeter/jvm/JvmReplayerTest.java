package dev.kerf.retargeter.jvm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmReplayerTest {
    private static List<JvmClass> classes;
    private static final byte[] STDIN = "get apples\nget pears\n".getBytes(StandardCharsets.US_ASCII);

    @BeforeAll
    static void compile() throws Exception {
        classes = TestPrograms.compile(Map.of("Inventory.java", TestPrograms.INVENTORY));
    }

    private static JvmLog record(String n) throws Exception {
        return HostRecorder.record(classes, "Inventory", List.of(n), STDIN, 1_790_000_000L, Map.of("/etc/motd", "hello".getBytes()));
    }

    private static String[] replay(JvmLog log, JvmReplayResult[] result) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        result[0] = new JvmReplayer(log, "P.kjvm").run(out);
        return new String[] {out.toString(StandardCharsets.ISO_8859_1)};
    }

    @Test
    void aNormalRunReplaysIdenticallyWithItsOutput() throws Exception {
        JvmLog log = record("3");
        JvmReplayResult[] r = new JvmReplayResult[1];
        String out = replay(log, r)[0];
        assertThat(r[0].identical()).as(r[0].verdict()).isTrue();
        assertThat(out).isEqualTo("inventory of 1 args\nget apples\nget pears\nmotd 5\nat 1790000000\ntotal 6\n");
        assertThat(r[0].nativeCalls()).isEqualTo(log.natives().size()).isEqualTo(11);
        assertThat(r[0].verdict()).isEqualTo("replay-jvm: identical: 11 native calls, " + out.length() + " bytes of output, exit status 0");
    }

    @Test
    void theUncaughtExceptionIsReproducedWithTheProgramsFramesOnly() throws Exception {
        JvmLog log = record("7");
        assertThat(log.outcome().uncaught()).startsWith(
                "Exception in thread \"main\" java.lang.ArrayIndexOutOfBoundsException: Index 5 out of bounds for length 5\n"
                + "\tat Inventory.total(Inventory.java:7)\n\tat Inventory.main(Inventory.java:");
        assertThat(log.outcome().uncaught().lines()).hasSize(3);
        JvmReplayResult[] r = new JvmReplayResult[1];
        String out = replay(log, r)[0];
        assertThat(r[0].verdict()).startsWith("replay-jvm: identical: 10 native calls, ")
                .endsWith(" bytes of output, uncaught java.lang.ArrayIndexOutOfBoundsException reproduced");
        assertThat(out).endsWith(log.outcome().uncaught());
        assertThat(r[0].exitStatus()).isEqualTo(1);
    }

    @Test
    void differentInputDataIsAMismatchAtTheWriteThatShowsIt() throws Exception {
        JvmLog log = record("3");
        List<NativeCall> n = new ArrayList<>(log.natives());
        NativeCall read = n.get(1);
        assertThat(read.kind()).isEqualTo(NativeKind.READ);
        byte[] other = read.data();
        other[0] = 'G';
        n.set(1, new NativeCall(1, read.kind(), read.callerClass(), read.callerMethod(), read.callerDesc(), read.callerPc(), read.result(),
                false, other));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(new JvmLog(log.mainClass(), log.args(), log.classes(), n, log.outcome()), r);
        assertThat(r[0].identical()).isFalse();
        assertThat(r[0].mismatch().nativeIndex()).isEqualTo(2);
        assertThat(r[0].verdict()).isEqualTo("replay-jvm: mismatch at native call #2: expected #2 write at Inventory.main([Ljava/lang/String;)V @"
                + n.get(2).callerPc() + " (16 bytes) of \"get apples\\nget p\", actual write at Inventory.main([Ljava/lang/String;)V @"
                + n.get(2).callerPc() + " of \"Get apples\\nget p\"");
    }

    @Test
    void aCallAtAnotherBytecodePositionIsAMismatch() throws Exception {
        JvmLog log = record("3");
        List<NativeCall> n = new ArrayList<>(log.natives());
        NativeCall t = n.get(6);
        assertThat(t.kind()).isEqualTo(NativeKind.TIME);
        n.set(6, new NativeCall(6, t.kind(), t.callerClass(), t.callerMethod(), t.callerDesc(), t.callerPc() + 1, t.result(), false, t.data()));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(new JvmLog(log.mainClass(), log.args(), log.classes(), n, log.outcome()), r);
        assertThat(r[0].mismatch().nativeIndex()).isEqualTo(6);
        assertThat(r[0].mismatch().expected()).contains("time at Inventory.main([Ljava/lang/String;)V @" + (t.callerPc() + 1));
        assertThat(r[0].mismatch().actual()).isEqualTo("time at Inventory.main([Ljava/lang/String;)V @" + t.callerPc());
    }

    @Test
    void aLogWithMoreCallsThanTheProgramMakesIsAMismatchAtTheFirstMissingOne() throws Exception {
        JvmLog log = record("3");
        List<NativeCall> n = new ArrayList<>(log.natives());
        n.add(new NativeCall(n.size(), NativeKind.TIME, "Inventory", "main", "([Ljava/lang/String;)V", 3, 5, false, new byte[0]));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(new JvmLog(log.mainClass(), log.args(), log.classes(), n, log.outcome()), r);
        assertThat(r[0].verdict()).isEqualTo("replay-jvm: mismatch at native call #11: expected #11 time at Inventory.main([Ljava/lang/String;)V @3 = 5,"
                + " actual the program ended");
    }

    @Test
    void anotherUncaughtExceptionIsAMismatchAtTheEnd() throws Exception {
        JvmLog ok = record("3"), failing = record("7");
        JvmLog mixed = new JvmLog("Inventory", List.of("3"), classes, ok.natives(), failing.outcome());
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(mixed, r);
        assertThat(r[0].mismatch().nativeIndex()).isEqualTo(-1);
        assertThat(r[0].verdict()).startsWith("replay-jvm: mismatch at the end: expected uncaught \"Exception in thread")
                .endsWith("actual no uncaught exception");
    }

    @Test
    void anotherStackTraceLineIsNamedByItsLine() throws Exception {
        JvmLog log = record("7");
        String other = log.outcome().uncaught().replace("Inventory.java:7)", "Inventory.java:8)");
        long[] d = JvmLog.outputDigest(log.natives(), other);
        JvmLog changed = new JvmLog("Inventory", log.args(), classes, log.natives(), new JvmOutcome(1, other, d[0], (int) d[1]));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(changed, r);
        assertThat(r[0].verdict()).isEqualTo("replay-jvm: mismatch at the end: expected uncaught text line 2"
                + " \"\\tat Inventory.total(Inventory.java:8)\", actual line 2 \"\\tat Inventory.total(Inventory.java:7)\"");
    }

    @Test
    void aClassMissingFromTheLogIsAClearError() throws Exception {
        JvmLog log = record("3");
        List<JvmClass> fewer = new ArrayList<>(log.classes());
        fewer.removeIf(c -> c.name().equals("Helper"));
        JvmLog cut = new JvmLog(log.mainClass(), log.args(), fewer, log.natives(), log.outcome());
        assertThatThrownBy(() -> new JvmReplayer(cut, "P.kjvm").run(new ByteArrayOutputStream()))
                .isInstanceOf(JvmReplayException.class).hasMessage("class Helper is not in P.kjvm");
        JvmLog noMain = new JvmLog("Missing", log.args(), log.classes(), log.natives(), log.outcome());
        assertThatThrownBy(() -> new JvmReplayer(noMain, "P.kjvm").run(new ByteArrayOutputStream()))
                .isInstanceOf(JvmReplayException.class).hasMessage("class Missing is not in P.kjvm");
    }

    private static final String GUARDED = """
            import kerf.Sys;

            public class Guarded {
                public static void main(String[] args) throws Exception {
                    try {
                        Sys.print("n=" + args.length + "\\n");
                        if (args.length > 5) throw new Rare("many");
                    } catch (Rare e) {
                        Sys.print("rare\\n");
                    }
                }
            }

            class Rare extends Exception {
                Rare(String m) { super(m); }
            }
            """;

    @Test
    void aClassTheGuestNeverLoadedMayBeMissingAsLongAsItIsNotUsed() throws Exception {
        List<JvmClass> all = TestPrograms.compile(Map.of("Guarded.java", GUARDED));
        List<JvmClass> loaded = new ArrayList<>(all);
        loaded.removeIf(c -> c.name().equals("Rare")); // minijvm loads lazily: Rare was never thrown
        JvmLog log = HostRecorder.record(all, "Guarded", List.of("a"), new byte[0], 0, Map.of());
        JvmLog asMinijvmSaw = new JvmLog("Guarded", log.args(), loaded, log.natives(), log.outcome());
        JvmReplayResult[] r = new JvmReplayResult[1];
        assertThat(replay(asMinijvmSaw, r)[0]).isEqualTo("n=1\n");
        assertThat(r[0].identical()).as(r[0].verdict()).isTrue();
        JvmLog thrown = HostRecorder.record(all, "Guarded", List.of("1", "2", "3", "4", "5", "6"), new byte[0], 0, Map.of());
        JvmLog many = new JvmLog("Guarded", thrown.args(), loaded, thrown.natives(), thrown.outcome());
        assertThatThrownBy(() -> new JvmReplayer(many, "P.kjvm").run(new ByteArrayOutputStream()))
                .isInstanceOf(JvmReplayException.class).hasMessage("class Rare is not in P.kjvm");
    }

    @Test
    void aLogCutBeforeTheProgramEndedIsIdenticalUpToItsEnd() throws Exception {
        JvmLog log = record("3");
        List<NativeCall> first = log.natives().subList(0, 5);
        JvmLog cut = new JvmLog("Inventory", log.args(), classes, first, new JvmOutcome(-1, null, 0, 0));
        JvmReplayResult[] r = new JvmReplayResult[1];
        String out = replay(cut, r)[0];
        assertThat(r[0].identical()).isTrue();
        assertThat(r[0].logEnded()).isTrue();
        assertThat(out).isEqualTo("inventory of 1 args\nget apples\nget pears\n");
    }

    @Test
    void aGuestRunStoppedByAMinijvmErrorSaysSoWhereTheHostGoesOn() throws Exception {
        JvmLog log = record("3");
        JvmLog stopped = new JvmLog("Inventory", log.args(), classes, log.natives().subList(0, 2), new JvmOutcome(2, null, 0, 0));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(stopped, r);
        assertThat(r[0].verdict()).isEqualTo("replay-jvm: mismatch at native call #2: expected no further native call (the log has 2;"
                + " minijvm stopped there with its own error, exit status 2), actual write at Inventory.main([Ljava/lang/String;)V @"
                + log.natives().get(2).callerPc() + " of \"get apples\\nget p\"");
    }

    @Test
    void twoReplaysSideBySideDoNotShareState() throws Exception {
        JvmLog a = record("3"), b = record("7");
        JvmReplayResult[] ra = new JvmReplayResult[1], rb = new JvmReplayResult[1];
        Thread t = new Thread(() -> {
            try {
                replay(b, rb);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        replay(a, ra);
        t.join();
        assertThat(ra[0].identical()).isTrue();
        assertThat(rb[0].identical()).isTrue();
        assertThat(rb[0].uncaughtType()).isEqualTo("java.lang.ArrayIndexOutOfBoundsException");
    }

    @Test
    void aVerdictIsOneLineWhateverNamesTheLogHolds() throws Exception {
        JvmLog log = record("3");
        List<NativeCall> n = new ArrayList<>(log.natives());
        NativeCall t = n.get(6);
        n.set(6, new NativeCall(6, t.kind(), "Inventory\nreplay-jvm: identical", t.callerMethod(), t.callerDesc(), t.callerPc(), t.result(),
                false, t.data()));
        JvmReplayResult[] r = new JvmReplayResult[1];
        replay(new JvmLog(log.mainClass(), log.args(), log.classes(), n, log.outcome()), r);
        assertThat(r[0].identical()).isFalse();
        assertThat(r[0].verdict()).doesNotContain("\n").contains("expected #6 time at Inventory\\x0areplay-jvm: identical.main(");
    }

    @Test
    void aClassFileTheHostRefusesIsAClearError() throws Exception {
        JvmLog log = record("3");
        List<JvmClass> broken = new ArrayList<>(log.classes());
        broken.replaceAll(c -> c.name().equals("Helper") ? new JvmClass("Helper", java.util.Arrays.copyOf(c.bytes(), 40)) : c);
        JvmLog cut = new JvmLog(log.mainClass(), log.args(), broken, log.natives(), log.outcome());
        assertThatThrownBy(() -> new JvmReplayer(cut, "P.kjvm").run(new ByteArrayOutputStream()))
                .isInstanceOf(JvmReplayException.class).hasMessageStartingWith("class Helper in P.kjvm is refused by the host JVM: java.lang.ClassFormatError");
    }

    @Test
    void theGuestsOwnSelfTestReplaysIdenticallyInTheSandbox() throws Exception {
        // every feature of minijvm's subset, run by the host JDK under the program's no-rights domain:
        // nothing the JDK does on the program's behalf may count as a refusal
        String root = System.getProperty("kerf.root");
        assertThat(root).as("kerf.root (set by the build)").isNotNull();
        String source = java.nio.file.Files.readString(java.nio.file.Path.of(root, "examples/guest/java/JvmSelfTest.java"));
        List<JvmClass> selftest = TestPrograms.compile(Map.of("JvmSelfTest.java", source));
        JvmLog log = HostRecorder.record(selftest, "JvmSelfTest", List.of("alpha", "beta"), new byte[0], 1_790_000_000L,
                Map.of("/etc/motd", "hello".getBytes()));
        JvmReplayResult[] r = new JvmReplayResult[1];
        String out = replay(log, r)[0];
        assertThat(r[0].verdict()).startsWith("replay-jvm: identical: " + log.natives().size() + " native calls");
        assertThat(out).doesNotContain("FAIL").containsPattern("jvmselftest: (\\d+)/\\1 checks passed\n");
    }
}
