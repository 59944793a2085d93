package dev.kerf.retargeter.jvm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The replay's child JVM: what it is started with, what its class path holds, and that it never outlives kerf's interest. */
class ReplayChildTest {
    private static final String SPIN = """
            public class Spin {
                public static void main(String[] args) {
                    for (long i = 0; ; i++) { if (i == -1) return; }
                }
            }
            """;

    @Test
    void theCommandLineCarriesTheBudgetTheSandboxAndTheDebuggerOnlyWhenAsked() {
        Path cp = Path.of("/tmp/cp");
        List<String> plain = ReplayChild.command(cp, new ReplayLimits(5_000, 64L << 20, 0));
        assertThat(plain.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(plain).contains("-Xmx" + (64L << 20), "-XX:+ExitOnOutOfMemoryError", "-Djava.security.manager=allow", "-XX:ActiveProcessorCount=1")
                .noneMatch(a -> a.startsWith("-agentlib:jdwp"));
        assertThat(plain.subList(plain.size() - 3, plain.size())).containsExactly("-cp", cp.toString(), SandboxMain.class.getName());
        assertThat(ReplayChild.command(cp, new ReplayLimits(0, 64L << 20, 5005)))
                .contains("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,quiet=y,address=5005");
    }

    @Test
    void theClassPathHoldsOnlyTheChildsSide() throws Exception {
        Path dir = Files.createTempDirectory("kerf-child-cp");
        ReplayChild.copyClasses(dir);
        List<String> names;
        try (Stream<Path> files = Files.walk(dir)) {
            names = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
        assertThat(names).contains("dev/kerf/retargeter/jvm/SandboxMain.class", "kerf/Sys.class", "dev/kerf/retargeter/jvm/JvmClassLoader.class")
                .allMatch(n -> n.startsWith("kerf/") || n.startsWith("dev/kerf/retargeter/jvm/"))
                .doesNotContain("dev/kerf/retargeter/jvm/JvmReplayer.class", "dev/kerf/retargeter/jvm/NativeReplay.class",
                        "dev/kerf/retargeter/jvm/JvmLog.class", "dev/kerf/retargeter/jvm/JvmRetargeter.class");
        for (Class<?> c : ReplayChild.CLASSES) assertThat(names).contains(c.getName().replace('.', '/') + ".class");
        assertThat(names).hasSizeLessThan(40);
    }

    @Test
    void closingKillsTheChildAndDeletesItsClassPath() throws Exception {
        ReplayChild child = ReplayChild.start(new ReplayLimits(0, 32L << 20, 0));
        List<JvmClass> classes = TestPrograms.compile(Map.of("Spin.java", SPIN));
        ReplayProtocol.writeSetup(child.toChild(), new ReplayProtocol.Setup("S.kjvm", "Spin", List.of(), classes));
        ProcessHandle process = ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst().orElseThrow();
        Path cp = Path.of(process.info().arguments().map(a -> a[a.length - 2]).orElseThrow());
        assertThat(cp).isDirectory();
        Thread.sleep(300);
        assertThat(process.isAlive()).isTrue();
        child.close();
        assertThat(process.isAlive()).isFalse();
        assertThat(cp).doesNotExist();
    }

    @Test
    void aChildWhoseKerfIsGoneHaltsByItself() throws Exception {
        try (ReplayChild child = ReplayChild.start(new ReplayLimits(0, 32L << 20, 0))) {
            List<JvmClass> classes = TestPrograms.compile(Map.of("Spin.java", SPIN));
            ReplayProtocol.writeSetup(child.toChild(), new ReplayProtocol.Setup("S.kjvm", "Spin", List.of(), classes));
            ProcessHandle process = ProcessHandle.current().children().filter(ProcessHandle::isAlive).findFirst().orElseThrow();
            Thread.sleep(300);
            assertThat(process.isAlive()).as("spinning").isTrue();
            child.toChild().close(); // what kerf's death does to the pipe
            assertThat(process.onExit().get(20, TimeUnit.SECONDS).isAlive()).isFalse();
            assertThat(child.timedOut()).isFalse();
        }
    }
}
