package dev.kerf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * selftest's syscall log (385 calls: fork, pipe, execve, nanosleep, brk growing and shrinking a
 * 256 KiB heap) replays identically against the recorded program, and against a binary given by
 * --binary, where brk is emulated for the binary's own layout instead of taking the logged result,
 * including the same source rebuilt at -O0.
 */
class ReplaySyscallsCommandTest {
    @TempDir
    Path tmp;

    @Test
    void selftestReplaysWithBrkEmulatedForARebuiltBinary() throws Exception {
        Path rec = tmp.resolve("selftest.kerf");
        Cli.Outcome r = Cli.run("", GuestOs.args(List.of("record", "-o", rec.toString()), "scenario=selftest"));
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        Path slice = tmp.resolve("selftest.kslice"), log = tmp.resolve("selftest.ksys");
        assertThat(Cli.run("", "slice", rec.toString(), "--process", "selftest", "-o", slice.toString()).exitCode()).isZero();
        Cli.Outcome retargeted = Cli.run("", "retarget", slice.toString(), "--to", "syscalls", "-o", log.toString());
        assertThat(retargeted.exitCode()).as(retargeted.err()).isZero();
        assertThat(retargeted.err()).contains("ended by exit; verified by replay");

        Cli.Outcome strace = Cli.run("", "strace", log.toString());
        assertThat(strace.out()).contains("brk(0x0) = ").contains("fork() = ").endsWith("exit(0) = ?\n+++ ended by exit +++\n");
        // pipe's two fds: the slice holds only the bytes that changed, the log the whole struct up to its last changed word
        assertThat(Cli.run("", "strace", log.toString(), "--json").out()).containsPattern("\"call\":\"pipe\"[^\n]*\"writes\":\\[\\{\"where\":\"arg0\\+0\",\"bytes\":8}]");
        Cli.Outcome same = Cli.run("", "replay-syscalls", log.toString());
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).matches("identical: \\d+ syscalls, ended by exit like the recording\n");
        Cli.Outcome rebuilt = Cli.run("", "replay-syscalls", log.toString(), "--binary", GuestOs.kernel().resolveSibling("root/bin/selftest").toString());
        assertThat(rebuilt.exitCode()).as(rebuilt.err()).isZero();
        assertThat(rebuilt.out()).isEqualTo(same.out());
        // the same source at -O0 (other code, other stack layout): every buffer a call filled is in
        // the slice whole (GuestProfile.outputBuffers), so its calls see the customer's results too
        Path o0 = GuestOs.kernel().resolveSibling("variants/selftest-O0");
        Cli.Outcome unoptimized = Cli.run("", "replay-syscalls", log.toString(), "--binary", o0.toString());
        assertThat(unoptimized.exitCode()).as(unoptimized.out() + unoptimized.err()).isZero();
        assertThat(unoptimized.out()).isEqualTo(same.out());
    }
}
