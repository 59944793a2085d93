package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProfile;
import dev.kerf.emulator.introspect.linux.LinuxGuestProfile;
import dev.kerf.emulator.introspect.linux.LinuxTaskLayoutInference;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayStart;
import dev.kerf.formats.recording.Recording;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.KerfGuestProfile;
import dev.kerf.emulator.introspect.ProcessHistory;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.ProcessListeners;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.replay.ReplayResult;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A verified replay with the process tracker attached: the shared first half of {@code kerf ps}
 * and {@code kerf trace}. The kernel's introspection export is read once the images are loaded; a
 * kernel without one (or of another major version) is a bad input (exit 4) in one line.
 *
 * @param history what the tracker saw
 * @param result  how the replay ended (complete or cut short)
 */
record IntrospectedReplay(ProcessHistory history, ReplayResult result) {
    /** More analysis on top of the tracker (attached after it, so it may ask the tracker who runs). */
    interface Extension {
        void attach(Cpu cpu, GuestMemory memory, ProcessTracker tracker, ProcessHistory history);
    }

    static IntrospectedReplay of(Path recording, HostIo io) throws IOException {
        return of(recording, io, null);
    }

    static IntrospectedReplay of(Path recording, HostIo io, Extension extension) throws IOException {
        return of(recording, io, extension, null);
    }

    /** As above; {@code listener}, if not null, hears everything the tracker reports after the history does. */
    static IntrospectedReplay of(Path recording, HostIo io, Extension extension, ProcessListener listener) throws IOException {
        GuestProfile linux = linuxProfile(recording, io);
        ProcessHistory[] history = new ProcessHistory[1];
        ProcessTracker[] tracker = new ProcessTracker[1];
        ReplayResult result = ReplaySession.replay(recording, new ReplaySession.Analysis() {
            @Override
            public void attach(Cpu cpu) {
                GuestProfile profile = linux;
                if (profile == null) {
                    try {
                        profile = KerfGuestProfile.read(cpu.memory);
                    } catch (IntrospectionException e) {
                        throw new KerfException(ExitCode.BAD_INPUT, recording + ": " + e.getMessage());
                    }
                }
                history[0] = new ProcessHistory(profile);
                GuestMemory memory = new GuestMemory(cpu.memory);
                tracker[0] = new ProcessTracker(profile, memory, listener == null ? history[0]
                        : new ProcessListeners(java.util.List.of(history[0], listener)));
                tracker[0].attach(cpu.hooks);
                if (extension != null) extension.attach(cpu, memory, tracker[0], history[0]);
            }

            @Override
            public void finish(Cpu cpu, ReplayResult r) {
                tracker[0].finish(cpu);
            }
        }, io);
        return new IntrospectedReplay(history[0], result);
    }

    /**
     * The Linux profile of a recording that starts from a booted snapshot whose kernel is not the
     * kerf example OS (no introspection export in its RAM), or null (the example OS: its export is
     * read when the replay starts). The task layout is inferred in a first, silent replay from the
     * system calls the recording makes (docs/linux.md, "Processes without debug info"); a recording
     * that shows too little is a bad input in one line.
     */
    private static GuestProfile linuxProfile(Path recording, HostIo io) throws IOException {
        ReplayStart start;
        try (Recording opened = Recording.open(recording)) {
            start = ReplayBoot.of(opened).start();
        }
        if (start == null) return null;
        PhysicalMemory probe = new PhysicalMemory(start.ram().length);
        probe.load(0, start.ram(), 0, start.ram().length);
        try {
            KerfGuestProfile.read(probe);
            return null;
        } catch (IntrospectionException notTheExampleOs) {
            // a foreign kernel: infer its task layout below
        }
        probe = null;
        LinuxTaskLayoutInference[] inference = new LinuxTaskLayoutInference[1];
        ReplaySession.replay(recording, new ReplaySession.Analysis() {
            @Override
            public void attach(Cpu cpu) {
                inference[0] = new LinuxTaskLayoutInference(cpu.memory);
                inference[0].attach(cpu.hooks);
            }

            @Override
            public void finish(Cpu cpu, ReplayResult r) {}
        }, io);
        try {
            return new LinuxGuestProfile(inference[0].layout());
        } catch (IntrospectionException e) {
            throw new KerfException(ExitCode.BAD_INPUT, recording + ": not the kerf example OS (no introspection export) and"
                    + " no Linux task layout could be inferred from its system calls: " + e.getMessage());
        }
    }

    /** Exit 0 for a complete replay; the exit-18 failure (to throw after printing) for a cut-short one. */
    void endWith(Path recording) {
        if (result.outcome() == ReplayResult.Outcome.CUT_SHORT) throw ReplaySession.cutShort(recording, result);
    }
}
