package dev.kerf.cli;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.introspect.GuestMemory;
import dev.kerf.emulator.introspect.GuestProfile;
import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.ProcessHistory;
import dev.kerf.emulator.introspect.ProcessListener;
import dev.kerf.emulator.introspect.ProcessListeners;
import dev.kerf.emulator.introspect.ProcessTracker;
import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.session.GuestProfiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A verified replay with the process tracker attached: the shared first half of {@code kerf ps}
 * and {@code kerf trace}. The guest's profile is found by {@link GuestProfiles} (the example OS's
 * export, or a Linux kernel's task layout inferred from the recording); a guest kerf cannot profile
 * is a bad input (exit 4) in one line.
 *
 * @param history what the tracker saw
 * @param result  how the replay ended (complete or cut short)
 * @param profile the guest profile the replay used
 */
record IntrospectedReplay(ProcessHistory history, ReplayResult result, GuestProfile profile) {
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

    static IntrospectedReplay of(Path recording, HostIo io, Extension extension, ProcessListener listener) throws IOException {
        return of(recording, new GuestProfiles.Choice.Auto(), io, extension, listener);
    }

    /**
     * The guest's profile is found as {@code choice} says ({@link GuestProfiles}: for a Linux
     * recording, a first silent replay infers it); {@code listener}, if not null, hears everything
     * the tracker reports after the history does.
     */
    static IntrospectedReplay of(Path recording, GuestProfiles.Choice choice, HostIo io, Extension extension, ProcessListener listener)
            throws IOException {
        ProfileSource source = ProfileOption.resolve(recording, choice).source();
        ProcessHistory[] history = new ProcessHistory[1];
        ProcessTracker[] tracker = new ProcessTracker[1];
        GuestProfile[] profile = new GuestProfile[1];
        ReplayResult result = ReplaySession.replay(recording, new ReplaySession.Analysis() {
            @Override
            public void attach(Cpu cpu) {
                try {
                    profile[0] = source.open(cpu.memory);
                } catch (IntrospectionException e) {
                    throw new KerfException(ExitCode.BAD_INPUT, recording + ": " + e.getMessage());
                }
                history[0] = new ProcessHistory(profile[0]);
                GuestMemory memory = new GuestMemory(cpu.memory);
                tracker[0] = new ProcessTracker(profile[0], memory, listener == null ? history[0]
                        : new ProcessListeners(java.util.List.of(history[0], listener)));
                tracker[0].attach(cpu.hooks);
                if (extension != null) extension.attach(cpu, memory, tracker[0], history[0]);
            }

            @Override
            public void finish(Cpu cpu, ReplayResult r) {
                tracker[0].finish(cpu);
            }
        }, io);
        return new IntrospectedReplay(history[0], result, profile[0]);
    }

    /** Exit 0 for a complete replay; the exit-18 failure (to throw after printing) for a cut-short one. */
    void endWith(Path recording) {
        if (result.outcome() == ReplayResult.Outcome.CUT_SHORT) throw ReplaySession.cutShort(recording, result);
    }
}
