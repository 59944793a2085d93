package dev.kerf.recorder;

import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.machine.Machine;
import dev.kerf.emulator.machine.MachineConfig;
import dev.kerf.emulator.machine.RunResult;
import dev.kerf.emulator.replay.EventSource;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.formats.journal.Event;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.JournalWriter;

/** Records a guest into an in-memory event list and replays lists: the shared record-replay harness. */
final class RoundTrip {
    static final int RAM = 32 << 20;

    /** One live recording. */
    record Recorded(MachineConfig config, List<Event> events, String console, RunResult result) {}

    /** One replay. */
    record Replayed(ReplayResult result, String console) {}

    private RoundTrip() {}

    static MachineConfig guest(String append, String consoleIn, boolean virtualClock, long maxInsns, ByteArrayOutputStream out)
            throws IOException, InterruptedException {
        return guest(append, consoleIn, virtualClock, maxInsns, out, null, null, null);
    }

    /** The guest OS with its initrd, 32 MiB, and optionally an ATA disk and NE2000 captures. */
    static MachineConfig guest(String append, String consoleIn, boolean virtualClock, long maxInsns, ByteArrayOutputStream out,
                               Path disk, Path netIn, Path netOut) throws IOException, InterruptedException {
        Path kernel = GuestImages.kernel();
        return new MachineConfig(kernel, append, List.of(new MachineConfig.Module(kernel.resolveSibling("initrd.tar"), "")),
                RAM, virtualClock, disk, netIn, netOut, maxInsns,
                new ByteArrayInputStream(consoleIn.getBytes(StandardCharsets.UTF_8)), out);
    }

    static Recorded record(MachineConfig config, ByteArrayOutputStream out, long hashEvery) throws IOException {
        return record(config, out, hashEvery, dev.kerf.emulator.cpu.Cpu.Engine.TRANSLATOR);
    }

    /** Records with the CPU executing through {@code engine}. */
    static Recorded record(MachineConfig config, ByteArrayOutputStream out, long hashEvery, dev.kerf.emulator.cpu.Cpu.Engine engine)
            throws IOException {
        List<Event> events = new ArrayList<>();
        RecordingTap tap = new RecordingTap(EventSink.of(events), hashEvery);
        RunResult result;
        try (Machine machine = Machine.boot(config, tap)) {
            machine.cpu().setEngine(engine);
            result = machine.run();
            tap.finish(result);
        }
        return new Recorded(config, events, out.toString(StandardCharsets.ISO_8859_1), result);
    }

    static ReplayBoot boot(MachineConfig config, long hashEvery) throws IOException {
        List<dev.kerf.emulator.loader.BootModule> modules = new ArrayList<>();
        for (MachineConfig.Module m : config.modules()) {
            modules.add(MultibootLoader.module(m.file().toString(), Files.readAllBytes(m.file()), m.cmdline()));
        }
        return new ReplayBoot(config.ramBytes(), config.kernel().toString(), Files.readAllBytes(config.kernel()),
                config.cmdline(), modules, hashEvery);
    }

    /**
     * Writes {@code events} to a journal in {@code dir} as the recorder does (port reads through the
     * allocation-free path, so they become runs and blocks) and replays it from the journal.
     */
    static Replayed replayFromJournal(ReplayBoot boot, List<Event> events, Path dir) throws IOException {
        try (JournalWriter w = JournalWriter.create(dir)) {
            EventSink sink = EventSink.of(w);
            for (Event e : events) {
                if (e instanceof Event.PortIn p) sink.portIn(p.port(), p.size(), p.value());
                else sink.append(e);
            }
        }
        try (JournalReader r = JournalReader.open(dir)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ReplayResult result = new Replayer(boot, EventSource.of(r), out).run();
            return new Replayed(result, out.toString(StandardCharsets.ISO_8859_1));
        }
    }

    static Replayed replay(ReplayBoot boot, List<Event> events) {
        return replay(boot, events, dev.kerf.emulator.cpu.Cpu.Engine.TRANSLATOR);
    }

    /** Replays with the CPU executing through {@code engine}. */
    static Replayed replay(ReplayBoot boot, List<Event> events, dev.kerf.emulator.cpu.Cpu.Engine engine) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Replayer replayer = new Replayer(boot, EventSource.of(events), out);
        replayer.cpu().setEngine(engine);
        ReplayResult r = replayer.run();
        return new Replayed(r, out.toString(StandardCharsets.ISO_8859_1));
    }
}
