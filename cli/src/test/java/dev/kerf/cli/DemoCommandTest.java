package dev.kerf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 8, must-show 1: {@code kerf demo} end to end in the default test run. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theDemoRecordsSlicesRetargetsAndReplaysEveryLevelWithTheVaultsSecretsOutOfTheSlice() throws Exception {
        GuestOs.kernel(); // builds the guest if needed
        Path dir = tmp.resolve("demo");
        Path stale = Files.createDirectories(dir.resolve("bugreport.kerf")).resolve("stale"); // a previous demo: replaced
        Files.writeString(stale, "old");
        Cli.Outcome r = Cli.run("", "demo", "--dir", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("[1/14] recording", "[3/14] replaying it with OS introspection", "[14/14] drawing")
                .containsPattern("buggy \\(pid \\d+\\) crashed: page fault at 0x746e4920, eip 0x080495ef")
                .contains("the vault's passwords in it: 0")
                .contains("fault 14 (error 0x4) at eip 0x080495ef, cr2 0x746e4920")
                .containsPattern("(?m)^ +\\d+ +\\d+ buggy .*killed by signal 11")
                // the syscall level: the customer's calls replayed against buggy rebuilt at -O0, to the same crash
                .containsPattern("identical: \\d+ syscalls, ended by a page fault like the recording")
                .contains("cr2 0x746e4920")
                // the JVM level: the guest's exception, reproduced on this JVM
                .contains("guest: Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"12x\"")
                .contains("| Exception in thread \"main\" java.lang.NumberFormatException: For input string: \"12x\"")
                .contains("replay-jvm: identical");
        byte[] slice = Files.readAllBytes(dir.resolve("buggy.kslice"));
        for (String secret : DemoCommand.VAULT_SECRETS) {
            assertThat(DemoCommand.count(slice, secret.getBytes(StandardCharsets.UTF_8))).as(secret).isZero();
        }
        assertThat(dir.resolve("bugreport.html")).isNotEmptyFile();
        assertThat(dir.resolve("buggy.ksys")).isNotEmptyFile();
        assertThat(dir.resolve("inventory.kjvm")).isNotEmptyFile();
        assertThat(stale).doesNotExist();
    }

    @Test
    void aDirectoryThatIsNotADemoIsLeftAlone() throws Exception {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "keep me");
        Cli.Outcome r = Cli.run("", "demo", "--dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.err()).contains("is not a kerf demo directory");
        assertThat(dir.resolve("notes.txt")).hasContent("keep me");
    }
}
