package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;
import dev.kerf.emulator.device.DeviceStateException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Capture and resume against the real proof: the example guest's selftest (virtual clock) cut at
 * several instructions, captured, resumed in a new machine and run to its end prints exactly what
 * the uninterrupted run prints, exits with the same status, and retires the same instructions in
 * total.
 */
class MachineSnapshotTest {
    private static final int RAM = 32 << 20;
    private static final long MAX_INSNS = 200_000_000L; // >10x selftest: a runaway stops

    private static Path kernel;
    private static Path initrd;
    /** The uninterrupted run, and where its slices ended halted or with a device due. */
    private static Whole whole;

    @TempDir
    Path dir;

    private record Whole(String console, RunResult result, List<Long> haltedAt, List<Long> dueAt) {}

    /** A run's console and how it ended. */
    private record Part(String console, RunResult result, MachineSnapshot snapshot) {}

    @BeforeAll
    static void runWhole() throws Exception {
        kernel = QemuGuest.buildExample("guest", "kernel.elf");
        initrd = kernel.resolveSibling("initrd.tar");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Watch watch = new Watch();
        RunResult r;
        try (Machine m = Machine.boot(config(console, MAX_INSNS, true), watch)) {
            watch.machine = m;
            r = m.run();
        }
        whole = new Whole(console.toString(StandardCharsets.ISO_8859_1), r, watch.haltedAt, watch.dueAt);
        assertThat(r.reason()).as("uninterrupted selftest: %s", r).isEqualTo(RunResult.Reason.EXIT);
        assertThat(whole.console()).contains("checks passed");
    }

    /** Notes, between slices, the icounts where the CPU was halted or a device deadline had come. */
    private static final class Watch implements MachineTap {
        Machine machine;
        final List<Long> haltedAt = new ArrayList<>();
        final List<Long> dueAt = new ArrayList<>();

        @Override public CpuBus wrap(CpuBus live) { return live; }

        @Override
        public boolean sliceEnded() {
            Cpu cpu = machine.cpu();
            if (cpu.halted) haltedAt.add(cpu.icount);
            else if (machine.platform().readTsc(0) >= machine.platform().nextDeadlineNanos()) dueAt.add(cpu.icount);
            return true;
        }
    }

    private static MachineConfig config(ByteArrayOutputStream console, long maxInsns, boolean virtual) {
        return new MachineConfig(kernel, "scenario=selftest", List.of(new MachineConfig.Module(initrd, "initrd.tar")),
                RAM, virtual, null, null, null, maxInsns, null, console);
    }

    /** A config for resuming: no kernel, no modules. */
    private static MachineConfig resumeConfig(ByteArrayOutputStream console, int ram, boolean virtual) {
        return new MachineConfig(null, null, List.of(), ram, virtual, null, null, null, MAX_INSNS, null, console);
    }

    /** Boots, runs to {@code n} instructions, captures. */
    private static Part runTo(long n) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.boot(config(console, n, true))) {
            RunResult r = m.run();
            return new Part(console.toString(StandardCharsets.ISO_8859_1), r, m.capture());
        }
    }

    /** Resumes {@code s} in a new machine and runs it to its end. */
    private static Part resumeToEnd(MachineSnapshot s) throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.resume(resumeConfig(console, RAM, true), s, MachineTap.NONE)) {
            assertThat(m.icount()).as("a resumed machine counts from 0").isZero();
            RunResult r = m.run();
            return new Part(console.toString(StandardCharsets.ISO_8859_1), r, null);
        }
    }

    private static void assertContinuesExactly(Part before, Part after, long n) {
        assertThat(before.result().icount()).isEqualTo(n);
        assertThat(after.result().reason()).as("resumed at %d: %s", n, after.result()).isEqualTo(RunResult.Reason.EXIT);
        assertThat(after.result().exitStatus()).isEqualTo(whole.result().exitStatus());
        assertThat(n + after.result().icount()).as("instructions before and after the cut at %d", n)
                .isEqualTo(whole.result().icount());
        assertThat(before.console() + after.console()).as("output of a run cut at %d", n).isEqualTo(whole.console());
    }

    @Test
    void cutsAtAQuarterAndAtHalfContinueExactly() throws IOException {
        for (long n : new long[] {whole.result().icount() / 4, whole.result().icount() / 2 + 17}) {
            Part before = runTo(n);
            assertThat(before.result().reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
            assertContinuesExactly(before, resumeToEnd(before.snapshot()), n);
        }
    }

    @Test
    void cutWhileTheCpuIsHaltedContinuesExactly() throws IOException {
        assertThat(whole.haltedAt()).as("selftest halts (nanosleep)").isNotEmpty();
        long n = whole.haltedAt().get(whole.haltedAt().size() / 2);
        Part before = runTo(n);
        assertThat(before.snapshot().cpu().halted()).as("captured halted at %d", n).isTrue();
        assertContinuesExactly(before, resumeToEnd(before.snapshot()), n);
    }

    @Test
    void cutWhenADeviceDeadlineHasComeContinuesExactly() throws IOException {
        assertThat(whole.dueAt()).as("slices that end at a device deadline").isNotEmpty();
        long n = whole.dueAt().get(whole.dueAt().size() / 3);
        Part before = runTo(n);
        assertContinuesExactly(before, resumeToEnd(before.snapshot()), n);
    }

    @Test
    void aCaptureBeforeTheFirstRunResumesAsABoot() throws IOException {
        MachineSnapshot s;
        try (Machine m = Machine.boot(config(new ByteArrayOutputStream(), MAX_INSNS, true))) {
            s = m.capture();
        }
        assertThat(s.clockNanos()).isZero();
        assertThat(s.virtualClock()).isTrue();
        assertContinuesExactly(new Part("", new RunResult(RunResult.Reason.STOPPED, 0, 0, ""), s), resumeToEnd(s), 0);
    }

    /** The cut stopOnConsole makes: in the middle of a line (the guest's output is flowing), on every run alike. */
    @Test
    void stopOnConsoleCutsRightAfterTheTextAndContinuesExactly() throws IOException {
        String line = "ok    7 getdents64";
        int end = whole.console().indexOf(line) + line.length();
        assertThat(end).isGreaterThan(line.length());
        long[] icounts = new long[2];
        Part before = null;
        for (int i = 0; i < 2; i++) {
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            try (Machine m = Machine.boot(config(console, MAX_INSNS, true))) {
                m.stopOnConsole(line.getBytes(StandardCharsets.US_ASCII));
                RunResult r = m.run();
                assertThat(r.reason()).isEqualTo(RunResult.Reason.STOPPED);
                assertThat(r.message()).isEqualTo("the console printed \"" + line + "\"");
                icounts[i] = r.icount();
                before = new Part(console.toString(StandardCharsets.ISO_8859_1), r, m.capture());
            }
        }
        assertThat(icounts[1]).as("the same icount on every run").isEqualTo(icounts[0]);
        assertThat(before.console()).as("everything up to the text was flushed, nothing after")
                .isEqualTo(whole.console().substring(0, end));
        assertContinuesExactly(before, resumeToEnd(before.snapshot()), icounts[0]);
    }

    @Test
    void aCapturedMachineRunsOnUndisturbed() throws IOException {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineConfig c = config(console, MAX_INSNS, true);
        try (Machine m = Machine.boot(c)) {
            m.stopOnConsole("ok    3".getBytes(StandardCharsets.US_ASCII));
            assertThat(m.run().reason()).isEqualTo(RunResult.Reason.STOPPED);
            MachineSnapshot first = m.capture();
            MachineSnapshot second = m.capture();
            assertThat(second.devices()).isEqualTo(first.devices());
            assertThat(second.ram()).isEqualTo(first.ram());
            assertThat(second.cpu()).isEqualTo(first.cpu());
            RunResult r = m.run(); // the watch fired once: the run goes on to the end
            assertThat(r.reason()).isEqualTo(RunResult.Reason.EXIT);
            assertThat(r.icount()).isEqualTo(whole.result().icount());
        }
        assertThat(console.toString(StandardCharsets.ISO_8859_1)).isEqualTo(whole.console());
    }

    @Test
    void aResumedMachineCanBeCutAndResumedAgain() throws IOException {
        long n = whole.result().icount() / 5;
        Part first = runTo(n);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        MachineSnapshot again;
        long m2 = whole.result().icount() / 4;
        try (Machine m = Machine.resume(new MachineConfig(null, null, List.of(), RAM, true, null, null, null, m2, null,
                console), first.snapshot(), MachineTap.NONE)) {
            assertThat(m.run().reason()).isEqualTo(RunResult.Reason.MAX_INSNS);
            again = m.capture();
        }
        Part last = resumeToEnd(again);
        assertContinuesExactly(new Part(first.console() + console.toString(StandardCharsets.ISO_8859_1),
                new RunResult(RunResult.Reason.MAX_INSNS, 0, n + m2, ""), again), last, n + m2);
    }

    /** A virtual-clock snapshot resumed on the host clock: time continues from the snapshot, the guest finishes. */
    @Test
    void aVirtualSnapshotResumesOnTheHostClock() throws IOException {
        Part before = runTo(whole.result().icount() / 2);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (Machine m = Machine.resume(resumeConfig(console, RAM, false), before.snapshot(), MachineTap.NONE)) {
            assertThat(m.platform().readTsc(0)).as("the host clock starts at the snapshot's time")
                    .isGreaterThanOrEqualTo(before.snapshot().clockNanos());
            RunResult r = m.run();
            assertThat(r.reason()).as("%s", r).isEqualTo(RunResult.Reason.EXIT);
            assertThat(r.exitStatus()).isEqualTo(whole.result().exitStatus());
        }
        assertThat(before.console() + console.toString(StandardCharsets.ISO_8859_1)).contains("26/26 checks passed");
    }

    @Test
    void resumeWithAnotherRamSizeIsABootError() throws IOException {
        MachineSnapshot s = runTo(1000).snapshot();
        assertThatThrownBy(() -> Machine.resume(resumeConfig(new ByteArrayOutputStream(), RAM / 2, true), s,
                MachineTap.NONE)).isInstanceOf(BootException.class)
                .hasMessage("the snapshot holds 33554432 bytes of RAM, the machine was given 16777216:"
                        + " resume with the snapshot's RAM size");
    }

    @Test
    void resumeWithADiskTheSnapshotDidNotHaveIsABootErrorAndOpensNothing() throws IOException {
        MachineSnapshot s = runTo(1000).snapshot();
        Path disk = Files.write(dir.resolve("disk.img"), new byte[8 * 512]);
        Path sent = dir.resolve("sent.pcap");
        MachineConfig c = new MachineConfig(null, null, List.of(), RAM, true, disk, null, sent, 0, null,
                new ByteArrayOutputStream());
        assertThatThrownBy(() -> Machine.resume(c, s, MachineTap.NONE)).isInstanceOf(BootException.class)
                .hasMessage(disk + ": the snapshot's machine had no disk: resume it without one");
        assertThat(sent).as("no output file was created").doesNotExist();
    }

    @Test
    void aSnapshotWithADiskResumesOnlyWithADiskOfItsSize() throws IOException {
        Path disk = Files.write(dir.resolve("disk.img"), new byte[8 * 512]);
        MachineSnapshot s;
        try (Machine m = Machine.boot(new MachineConfig(kernel, "scenario=selftest",
                List.of(new MachineConfig.Module(initrd, "initrd.tar")), RAM, true, disk, null, null, 1000, null,
                new ByteArrayOutputStream()))) {
            m.run();
            s = m.capture();
        }
        Path bigger = Files.write(dir.resolve("bigger.img"), new byte[16 * 512]);
        assertThatThrownBy(() -> Machine.resume(diskConfig(bigger), s, MachineTap.NONE)).isInstanceOf(BootException.class)
                .hasMessage(bigger + ": the snapshot's machine had a disk of 8 sectors; this disk image has 16");
        assertThatThrownBy(() -> Machine.resume(diskConfig(null), s, MachineTap.NONE)).isInstanceOf(BootException.class)
                .hasMessage("the snapshot's machine had a disk of 8 sectors; give that disk image again");
        Path missing = dir.resolve("missing.img");
        assertThatThrownBy(() -> Machine.resume(diskConfig(missing), s, MachineTap.NONE))
                .as("a missing image is reported as such, not as a size mismatch")
                .isInstanceOf(IOException.class).hasMessageContaining(missing.toString());
        try (Machine m = Machine.resume(diskConfig(disk), s, MachineTap.NONE)) {
            assertThat(m.platform().captureState()).isEqualTo(s.devices());
        }
    }

    private MachineConfig diskConfig(Path disk) {
        return new MachineConfig(null, null, List.of(), RAM, true, disk, null, null, 0, null, new ByteArrayOutputStream());
    }

    @Test
    void resumeWithDamagedDeviceStateIsTypedAndOpensNothing() throws IOException {
        MachineSnapshot s = runTo(1000).snapshot();
        byte[] devices = s.devices();
        devices[0] = 9;
        MachineSnapshot bad = new MachineSnapshot(s.cpu(), s.ram(), devices, s.clockNanos(), s.virtualClock());
        Path sent = dir.resolve("sent.pcap");
        MachineConfig c = new MachineConfig(null, null, List.of(), RAM, true, null, null, sent, 0, null,
                new ByteArrayOutputStream());
        assertThatThrownBy(() -> Machine.resume(c, bad, MachineTap.NONE)).isInstanceOf(DeviceStateException.class)
                .hasMessage("device state: header at byte 0: version 9, this kerf reads version " + dev.kerf.emulator.device.PcPlatform.STATE_VERSION + "");
        assertThat(sent).doesNotExist();
    }
}
