package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.GuestMemory;
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
        ProcessHistory[] history = new ProcessHistory[1];
        ProcessTracker[] tracker = new ProcessTracker[1];
        ReplayResult result = ReplaySession.replay(recording, new ReplaySession.Analysis() {
            @Override
            public void attach(Cpu cpu) {
                KerfGuestProfile profile;
                try {
                    profile = KerfGuestProfile.read(cpu.memory);
                } catch (IntrospectionException e) {
                    throw new KerfException(ExitCode.BAD_INPUT, recording + ": " + e.getMessage());
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

    /** Exit 0 for a complete replay; the exit-18 failure (to throw after printing) for a cut-short one. */
    void endWith(Path recording) {
        if (result.outcome() == ReplayResult.Outcome.CUT_SHORT) throw ReplaySession.cutShort(recording, result);
    }
}
