package dev.kerf.retargeter.jvm;

import dev.kerf.formats.slice.SliceReader;
import dev.kerf.slicer.privacy.PrivacyManifest;
import dev.kerf.slicer.privacy.SecretSet;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JvmRetargeterTest {
    private static final Path OUT = Path.of("P.kjvm");

    @Test
    void theHooksOfAMinijvmProcessBecomeItsJvmLog() throws Exception {
        JvmRetargetResult r = JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFJVM1", 1, 0), new SecretSet(), OUT);
        JvmLog log = r.log();
        assertThat(log.mainClass()).isEqualTo("Hello");
        assertThat(log.args()).isEmpty();
        assertThat(log.classes()).hasSize(1);
        assertThat(log.classes().get(0).bytes()).isEqualTo(HandMadeMinijvm.CLASS_BYTES);
        assertThat(log.natives()).hasSize(1);
        assertThat(log.natives().get(0).describe()).isEqualTo("#0 print at Hello.main([Ljava/lang/String;)V @3 (3 bytes)");
        assertThat(log.natives().get(0).data()).isEqualTo("hi\n".getBytes());
        assertThat(log.outcome().exitStatus()).isZero();
        assertThat(log.outcome().uncaught()).isNull();
        assertThat(r.userInstructions()).isEqualTo(15);
        var file = SliceReader.read(r.bytes(), OUT);
        assertThat(JvmLogCodec.read(file).natives().get(0).describe()).isEqualTo(log.natives().get(0).describe());
        assertThat(file.header().parameters()).containsEntry("mainClass", "Hello").containsEntry("name", "buggy");
        PrivacyManifest m = PrivacyManifest.fromTree(file.header().privacy(), OUT, 0);
        assertThat(m.sources()).extracting(PrivacyManifest.Source::toString).containsExactly(
                "Source[kind=memory, source=class files, bytes=8, count=1]",
                "Source[kind=memory, source=output of print, bytes=3, count=1]");
        assertThat(m.replay().toString()).isEqualTo("verified");
    }

    @Test
    void theMainClassAndArgumentsComeFromTheInitialStack() throws Exception {
        var slice = HandMadeMinijvm.slice("KERFJVM1", 1, 0, java.util.List.of("minijvm", "-cp", "/java", "a.b.Hello", "x", "y z"));
        JvmLog log = JvmRetargeter.retarget(slice, new SecretSet(), OUT).log();
        assertThat(log.mainClass()).isEqualTo("a/b/Hello");
        assertThat(log.args()).containsExactly("x", "y z");
        assertThatThrownBy(() -> JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFJVM1", 1, 0, java.util.List.of("minijvm", "-cp", "/j")),
                new SecretSet(), OUT)).hasMessage("P.kslice: process buggy (pid 7): minijvm was started without a main class (minijvm -cp /j)");
    }

    @Test
    void aProcessWithoutTheExportIsNotAMinijvmProgram() {
        assertThatThrownBy(() -> JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFELF1", 1, 0), new SecretSet(), OUT))
                .isInstanceOf(JvmRetargetException.class)
                .hasMessage("P.kslice: process buggy (pid 7) is not a minijvm program: no KERFJVM1 export in its image");
    }

    @Test
    void anExportOfAnotherVersionIsRefused() {
        assertThatThrownBy(() -> JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFJVM1", 2, 0), new SecretSet(), OUT))
                .hasMessage("P.kslice: process buggy (pid 7): its minijvm export is version 2, this kerf reads version 1: use a matching kerf");
    }

    @Test
    void aSliceThatDoesNotReplayMakesNoLog() {
        assertThatThrownBy(() -> JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFJVM1", 1, 1), new SecretSet(), OUT))
                .isInstanceOf(JvmRetargetException.class)
                .hasMessageStartingWith("P.kslice: process buggy (pid 7): the process slice does not replay: ");
    }

    @Test
    void aSecretInTheLogStopsItBeingWritten() {
        SecretSet s = new SecretSet();
        s.addLiteral("hi\n");
        assertThatThrownBy(() -> JvmRetargeter.retarget(HandMadeMinijvm.slice("KERFJVM1", 1, 0), s, OUT))
                .isInstanceOf(JvmRetargetException.class).hasMessageStartingWith("the JVM log is not written: ");
    }
}
