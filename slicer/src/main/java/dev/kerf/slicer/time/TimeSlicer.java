package dev.kerf.slicer.time;

import dev.kerf.emulator.cpu.CpuState;
import dev.kerf.emulator.replay.ReplayBoot;
import dev.kerf.emulator.replay.ReplayResult;
import dev.kerf.emulator.replay.Replayer;
import dev.kerf.emulator.replay.StateHasher;
import dev.kerf.emulator.snapshot.CheckpointStore;
import dev.kerf.emulator.snapshot.CheckpointedReplay;
import dev.kerf.emulator.snapshot.CpuStateCodec;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.JournalReader;
import dev.kerf.formats.journal.Position;
import dev.kerf.formats.recording.Recording;
import dev.kerf.formats.slice.EventsSection;
import dev.kerf.formats.slice.FinalHash;
import dev.kerf.formats.slice.RamSection;
import dev.kerf.formats.slice.SectionType;
import dev.kerf.formats.slice.SliceHeader;
import dev.kerf.formats.slice.SliceKind;
import dev.kerf.formats.slice.SliceWriter;
import dev.kerf.slicer.SliceRequestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Makes a time slice (docs/slicing.md): replays the recording, verified, to FROM (from the nearest
 * checkpoint, when a store is given), takes the machine state there, replays on to TO, and keeps
 * the journal events consumed in between and the full state hash at TO. The result is unverified
 * bytes: {@link dev.kerf.slicer.SliceFiles#verify} replays them before anyone publishes them.
 */
public final class TimeSlicer {
    private TimeSlicer() {}

    /**
     * @param rec        the opened source recording
     * @param sourceName the source's name as the user gave it (stored in the header)
     * @param store      checkpoints to seek through, or null
     * @param from       first icount of the window (&ge; 0)
     * @param to         icount where the window ends (&gt; from, at most the recording's end)
     * @throws SliceRequestException for a window that is empty, reversed or outside the recording
     */
    public static byte[] slice(Recording rec, String sourceName, CheckpointStore store, long from, long to) throws IOException {
        return slice(rec, sourceName, store, from, to, w -> { });
    }

    /**
     * As {@link #slice(Recording, String, CheckpointStore, long, long)}, telling {@code warnings}
     * one line per checkpoint skipped (and why). A checkpoint that restores but leads to a
     * divergence before TO is not believed: the slice is made again from an earlier one or the
     * beginning ({@link CheckpointedReplay#fallBack}). (A RAM edit that no StateHash up to TO
     * reflects cannot be told from the recording's RAM: docs/formats.md §8.)
     */
    public static byte[] slice(Recording rec, String sourceName, CheckpointStore store, long from, long to,
                               Consumer<String> warnings) throws IOException {
        if (from < 0) throw new SliceRequestException("the window starts at a negative icount " + from);
        if (to <= from) throw new SliceRequestException("the window " + from + ".." + to + (to == from ? " is empty" : " is reversed"));
        ReplayBoot boot = ReplayBoot.of(rec);
        try (CheckpointedReplay replay = CheckpointedReplay.open(boot, rec.journalDir(), store, from, null)) {
            try {
                while (true) {
                    Replayer r = replay.replayer();
                    ReplayResult res = runTo(r, from);
                    if (replay.fallBack(res)) continue;
                    check(res, from, sourceName);
                    Position start = r.position();
                    byte[] cpu = new CpuStateCodec().encode(CpuState.capture(r.cpu()));
                    byte[] replayState = r.checkpointState();
                    byte[] ram = RamSection.encode(r.cpu().memory.array());
                    res = runTo(r, to);
                    if (replay.fallBack(res)) continue;
                    check(res, to, sourceName);
                    Position stop = r.position();
                    FinalHash end = new FinalHash(to, StateHasher.fullFlat(r.cpu())); // slice format 1: the flat hash (formats.md §9.5)
                    EventsSection events = new EventsSection(start.event(), start.inBlock(), events(rec.journalDir(), start, stop));
                    return new SliceWriter(header(rec, sourceName, from, to)).add(SectionType.CPU, cpu)
                            .add(SectionType.REPLAY_STATE, replayState).add(SectionType.RAM, ram)
                            .add(SectionType.EVENTS, events.encode()).add(SectionType.FINAL_HASH, end.encode()).finish();
                }
            } finally {
                replay.warnings().forEach(warnings);
            }
        }
    }

    /** Replays quietly to {@code icount}; null when the replay stands there already. */
    private static ReplayResult runTo(Replayer r, long icount) {
        if (r.cpu().icount == icount) return null;
        r.mute(true);
        r.stopAt(icount);
        return r.run();
    }

    /** The recording ending or diverging before {@code icount} is the request's or the source's fault. */
    private static void check(ReplayResult res, long icount, String source) {
        if (res == null) return;
        switch (res.outcome()) {
            case STOPPED -> { }
            case DIVERGED -> throw new SliceRequestException(source + " does not replay: " + res.divergence().message());
            default -> throw new SliceRequestException("icount " + icount + " is outside " + source + ", which ends at icount " + res.icount());
        }
    }

    /**
     * The events from {@code start} to {@code stop}, plus the two after it (when the journal has
     * them): the event at {@code stop} may be a partly read port block, and the replay looks two
     * events ahead to decide how far to run (the next timed event, and whether the End follows).
     * Neither is acted on before the window's end.
     */
    private static List<Event> events(Path journal, Position start, Position stop) throws IOException {
        long last = stop.event() + 1;
        List<Event> out = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(journal, start)) {
            for (long i = start.event(); i <= last; i++) {
                Event e = reader.next();
                if (e == null) {
                    if (i < stop.event()) throw new IllegalStateException("the journal ended at event " + i + " before the replay's " + stop);
                    break;
                }
                out.add(e);
            }
        }
        return out;
    }

    private static SliceHeader header(Recording rec, String sourceName, long from, long to) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", from);
        params.put("to", to);
        return SliceHeader.of(SliceKind.TIME, rec, sourceName, params, new LinkedHashMap<>());
    }

}
