package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuStop;
import dev.kerf.emulator.loader.MultibootLoader;
import dev.kerf.emulator.mmu.PhysicalMemory;
import dev.kerf.formats.journal.EndReason;
import dev.kerf.formats.journal.Event;
import dev.kerf.formats.journal.Position;

import java.io.OutputStream;

/**
 * Replays a recording on a CPU and RAM alone (design §4): the journal answers every IN, RDTSC and
 * interrupt; no device model and no disk image take part.
 *
 * <p>The loop runs the CPU up to the icount of the next event it must act on: an Interrupt (the
 * CPU then polls INTR right there, see {@link ReplayBus}), a PortChange (the CPU then runs the
 * instruction reading that sticky port), a StateHash (recomputed with {@link StateHasher} and compared; the one right before End covers RAM too), or End. While the
 * next event is a port read or RDTSC, which carry no icount, the CPU runs up to the next multiple
 * of the StateHash interval at most: the recording has a StateHash there, so a CPU that no longer
 * asks for the read is caught there instead of running on. A halted CPU costs nothing: its icount
 * stands still and the next Interrupt is at that same icount. The first mismatch ends the replay
 * with a {@link Divergence}; nothing after it is trusted.
 */
public final class Replayer {
    /** {@link #target} results that are not instruction counts. */
    private static final long DONE = -1, AGAIN = -2;

    private final Cpu cpu;
    private final EventCursor events;
    private final ReplayBus bus;
    private final ReplayOutputs outputs;
    private final long hashEvery;
    /** The recording's format major version: picks the final hash's definition (StateHasher.full(Cpu, int)). */
    private final int recordingMajor;
    private long hashesMatched;
    private boolean tripleFaulted;
    /** {@link #stopAt}: run() returns STOPPED once the CPU has retired this many instructions. */
    private long stopAt = Long.MAX_VALUE;
    private long markEvery;
    private MarkListener markListener;

    /** Told after every matched StateHash at a multiple of an interval: where checkpoints are taken. */
    @FunctionalInterface
    public interface MarkListener {
        /** The CPU stands at {@code icount} (a verified state) and {@link #position()} is the next event. */
        void verified(Replayer replayer, long icount);
    }

    /** @param console where the guest's COM1 output goes, or null to discard it */
    public Replayer(ReplayBoot boot, EventSource source, OutputStream console) {
        this(boot, source, 0, console);
        if (boot.start() != null) boot.start().restore(cpu, outputs);
        else MultibootLoader.boot(boot.kernelName(), boot.kernel(), boot.cmdline(), boot.modules(), cpu);
    }

    /**
     * A replay resuming mid-journal (from a checkpoint): {@code source} is opened at a
     * {@link Position} ({@link dev.kerf.formats.journal.JournalReader#open(java.nio.file.Path, Position)})
     * and {@code inBlock} is that position's {@link Position#inBlock()}. Nothing is loaded: the
     * caller restores {@link #cpu()}'s registers and RAM and {@link #restoreStickyState} first.
     */
    public Replayer(ReplayBoot boot, EventSource source, int inBlock, OutputStream console) {
        this.events = new EventCursor(source, inBlock);
        this.outputs = new ReplayOutputs(console);
        this.bus = new ReplayBus(events, outputs, boot.stickyPorts());
        this.cpu = new Cpu(new PhysicalMemory(boot.ramBytes()), bus);
        this.hashEvery = boot.stateHashEvery();
        this.recordingMajor = boot.recordingMajor();
        bus.attach(cpu);
    }

    /**
     * Makes {@link #run()} return {@link ReplayResult.Outcome#STOPPED} as soon as the CPU has
     * retired {@code icount} instructions (before any event recorded at that icount is acted on).
     * May be moved on and run() called again, e.g. to seek quietly and then replay a window.
     */
    public void stopAt(long icount) {
        if (icount < cpu.icount) throw new IllegalArgumentException("cannot stop at " + icount + ": the replay is at " + cpu.icount);
        stopAt = icount;
    }

    /**
     * Calls {@code listener} after each matched StateHash at a multiple of {@code every} (which
     * must be a multiple of the recording's StateHash interval), except the final one.
     */
    public void onVerifiedMark(long every, MarkListener listener) {
        if (every <= 0 || every % hashEvery != 0) {
            throw new IllegalArgumentException("the interval " + every + " is not a multiple of the recording's state-hash"
                    + " interval " + hashEvery);
        }
        markEvery = every;
        markListener = listener;
    }

    /** Console output stops reaching the console (it is still counted), or reaches it again. */
    public void mute(boolean muted) {
        outputs.mute(muted);
    }

    /** The StateHash interval of the recording: checkpoints can only be taken at its multiples. */
    public long stateHashEvery() {
        return hashEvery;
    }

    /**
     * What a checkpoint must keep beside the CPU, RAM and {@link #position()} to resume this replay:
     * the sticky ports' values, the console's line state and the counters the result reports.
     */
    public byte[] checkpointState() {
        return ReplayState.capture(bus, outputs, hashesMatched).encode();
    }

    /**
     * Restores {@link #checkpointState()} before {@link #run()} on a replay resumed at a checkpoint.
     *
     * @throws IllegalArgumentException (one line) when {@code data} is not such a state for this recording
     */
    public void restoreCheckpointState(byte[] data) {
        hashesMatched = ReplayState.decode(data).restore(bus, outputs);
    }

    /**
     * Checks a state just restored from a checkpoint ({@link #cpu()}'s registers and RAM,
     * {@link #restoreCheckpointState}) against what the recording pins at the CPU's icount:
     * {@code before}, the journal event right before the checkpoint's position, must be the
     * StateHash recorded at that icount and the restored registers must hash to it
     * ({@link StateHasher#registers}, as at every StateHash of a replay); the counters must be
     * those of a replay that verified every StateHash up to there; and the UART and debug-exit
     * must be in the state {@link #checkpointable()} requires, since the journal does not pin them.
     *
     * @return null when the state fits, else why not (one line, for a warning)
     */
    public String checkResumed(Event before) {
        long at = cpu.icount;
        if (!(before instanceof Event.StateHash s) || s.icount() != at)
            return "its journal position does not follow the recording's state hash at icount " + at;
        if (StateHasher.registers(cpu) != s.hash())
            return "restored state does not match the recording's state hash at icount " + at;
        if (hashesMatched != at / hashEvery || bus.verifiedAt() != at)
            return "its replay counters (" + hashesMatched + " state hashes matched, the last at icount " + bus.verifiedAt()
                    + ") do not fit the recording's state hashes up to icount " + at;
        if (!checkpointable() || outputs.exitStatus() != 0)
            return "its UART or debug-exit state (DLAB, loopback or exit requested) is one kerf takes no checkpoint in";
        return null;
    }

    /**
     * Whether a checkpoint may be taken now: the UART is not in DLAB or loopback mode and the
     * guest has not asked to exit. The journal records none of that (they follow the guest's port
     * writes), so a checkpoint could not be checked against it; one taken only when they are all
     * clear can be ({@link #checkResumed}). Guests leave this state only for a few instructions
     * (programming the baud rate) or at their very end.
     */
    public boolean checkpointable() {
        return !outputs.dlab() && !outputs.loopback() && !outputs.exitRequested();
    }

    /** Where the replay stands in the journal: before the next event it will consume (inside a port block, maybe). */
    public Position position() {
        return events.mark();
    }

    public Cpu cpu() {
        return cpu;
    }

    /** Replays to the End event, to the last event of a cut-short recording, or to the first divergence. */
    public ReplayResult run() {
        while (true) {
            if (bus.divergence() != null) return result(ReplayResult.Outcome.DIVERGED, null);
            if (cpu.icount >= stopAt) return result(ReplayResult.Outcome.STOPPED, null);
            Event head = events.head();
            if (head == null) return result(ReplayResult.Outcome.CUT_SHORT, null);
            long target = target(head);
            if (bus.divergence() != null) continue;
            if (target == DONE) return result(ReplayResult.Outcome.COMPLETE, ((Event.End) head).reason());
            if (target == AGAIN) {
                if (markListener != null && head instanceof Event.StateHash s && events.head() != head
                        && s.icount() % markEvery == 0 && !(events.head() instanceof Event.End)) {
                    markListener.verified(this, s.icount());
                }
                continue;
            }
            runTo(Math.min(target, stopAt), head);
        }
    }

    /**
     * The icount to run to for the head event; or AGAIN when it was handled without running the
     * CPU (a matching StateHash), DONE at a matching End; or a divergence was recorded.
     */
    private long target(Event head) {
        if (head instanceof Event.Interrupt || head instanceof Event.PortChange) {
            long at = EventCursor.icountOf(head);
            if (behind(at, head)) return AGAIN;
            if (cpu.icount == at) return at + 1; // the CPU polls INTR on entry / executes the IN
            return Math.min(at, nextMark());
        }
        if (head instanceof Event.StateHash s) {
            if (behind(s.icount(), head)) return AGAIN;
            if (cpu.icount < s.icount()) return Math.min(s.icount(), nextMark());
            if (tripleFaultDue()) return cpu.icount + 1;
            checkHash(s);
            return AGAIN;
        }
        if (head instanceof Event.End end) {
            if (behind(end.icount(), head)) return AGAIN;
            if (cpu.icount < end.icount()) return Math.min(end.icount(), nextMark());
            if (tripleFaultDue()) return cpu.icount + 1;
            checkEnd(end);
            return bus.divergence() == null ? DONE : AGAIN;
        }
        return nextMark(); // a port read or RDTSC comes before the next mark
    }

    /**
     * The next multiple of the StateHash interval: the recording has a StateHash there unless it
     * ended first, so no run goes past it (a damaged or forged journal cannot make the CPU run on
     * unchecked).
     */
    private long nextMark() {
        return (cpu.icount / hashEvery + 1) * hashEvery;
    }

    /** The CPU is past the icount the head event was recorded at: it missed it. */
    private boolean behind(long icount, Event head) {
        if (cpu.icount <= icount) return false;
        bus.diverge(Describe.event(head), "the CPU went past icount " + icount + " without it");
        return true;
    }

    /** The recording ended in a triple fault that the replay has not reproduced yet. */
    private boolean tripleFaultDue() {
        Event end = events.head() instanceof Event.End ? events.head() : events.afterHead();
        return !tripleFaulted && end instanceof Event.End e && e.reason() == EndReason.TRIPLE_FAULT;
    }

    private void checkHash(Event.StateHash s) {
        boolean last = events.afterHead() instanceof Event.End;
        long actual = last ? StateHasher.full(cpu, recordingMajor) : StateHasher.registers(cpu);
        if (actual != s.hash() && events.afterHead() == null) {
            actual = StateHasher.full(cpu, recordingMajor); // a cut-short journal may end on the final hash (End lost)
            last = true;
        }
        if (actual != s.hash()) {
            bus.diverge(String.format("%s%s 0x%016x", last ? "final (registers and RAM) " : "",
                    Describe.event(s), s.hash()), String.format("0x%016x with %s", actual, Describe.registers(cpu)));
            return;
        }
        hashesMatched++;
        bus.verified(s.icount());
        events.advance();
    }

    private void checkEnd(Event.End end) {
        if (end.reason() == EndReason.GUEST_EXIT && (!outputs.exitRequested() || outputs.exitStatus() != end.status())) {
            bus.diverge("the guest's debug-exit with status " + end.status(), outputs.exitRequested()
                    ? "debug-exit status " + outputs.exitStatus() : "no write to the debug-exit port");
            return;
        }
        events.advance();
    }

    /** Runs the CPU toward {@code target} and checks that the way it stopped fits the recording. */
    private void runTo(long target, Event head) {
        long icountBefore = cpu.icount;
        long indexBefore = events.index();
        CpuStop stop = cpu.run(target);
        if (bus.divergence() != null) return;
        switch (stop) {
            case TRIPLE_FAULT -> {
                if (tripleFaultDue() && cpu.icount == endIcount()) tripleFaulted = true;
                else bus.diverge(Describe.event(events.head()), "a triple fault");
            }
            case HALTED -> {
                if (cpu.icount == icountBefore && events.index() == indexBefore) {
                    bus.diverge(Describe.event(head), String.format("a halted CPU (IF=%d) that nothing wakes",
                            (cpu.getEflags() >> 9) & 1));
                }
            }
            case LIMIT -> {
                if (target == stopAt) return; // stopped where asked, not where the journal says
                Event now = events.head(); // still a port read or RDTSC at a StateHash mark: the CPU skipped it
                if (now != null && !EventCursor.timed(now)) {
                    bus.diverge(Describe.event(now) + " before icount " + target, "no such access");
                } else if (now != null && cpu.icount % hashEvery == 0 && EventCursor.icountOf(now) > cpu.icount) {
                    bus.diverge("a state hash at icount " + cpu.icount + " (the recording hashes every " + hashEvery
                            + " instructions)", "none: the next event is " + Describe.event(now));
                }
            }
            case STOP_REQUESTED -> { }
        }
    }

    private long endIcount() {
        Event end = events.head() instanceof Event.End ? events.head() : events.afterHead();
        return ((Event.End) end).icount();
    }

    private ReplayResult result(ReplayResult.Outcome outcome, EndReason reason) {
        outputs.flush();
        return new ReplayResult(outcome, cpu.icount, events.index(), hashesMatched, outputs.consoleBytes(), reason,
                outputs.exitRequested() ? outputs.exitStatus() : -1, bus.divergence());
    }
}
