package dev.kerf.cli.timeline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a timeline picture shows, on the icount axis: which process ran when (user or kernel mode
 * on its behalf), and the marks along the way (syscalls, interrupts, faults, console output).
 * Built in icount order by whoever watches the replay; rendered by {@link TimelineSvg}.
 */
public final class Timeline {
    /** A stretch in which {@code pid} was the current process; {@code user} = it ran its own code. */
    public record Span(long from, long to, boolean user) {}

    /** One process's row. */
    public record Lane(int pid, String name, List<Span> spans, List<Mark> marks) {}

    public enum MarkKind { SYSCALL, FAULT, EXIT }

    /** A point on a lane, with the text a reader sees on hover. */
    public record Mark(long icount, MarkKind kind, String text) {}

    /** An external interrupt (a row of its own). */
    public record Irq(long icount, int vector) {}

    /** Console output that appeared at {@code icount}. */
    public record Output(long icount, String text) {}

    private final TreeMap<Integer, Lane> lanes = new TreeMap<>();
    private final List<Irq> irqs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private long end;

    /** The process {@code pid}'s lane, created on first use; a later name (exec) renames it. */
    public Lane lane(int pid, String name) {
        Lane lane = lanes.get(pid);
        if (lane == null || !lane.name().equals(name) && name != null && !name.isEmpty()) {
            Lane renamed = new Lane(pid, name == null ? "?" : name,
                    lane == null ? new ArrayList<>() : lane.spans(), lane == null ? new ArrayList<>() : lane.marks());
            lanes.put(pid, renamed);
            return renamed;
        }
        return lane;
    }

    public void span(int pid, String name, long from, long to, boolean user) {
        if (to <= from) return;
        List<Span> spans = lane(pid, name).spans();
        Span last = spans.isEmpty() ? null : spans.get(spans.size() - 1);
        if (last != null && last.user() == user && last.to() == from) {
            spans.set(spans.size() - 1, new Span(last.from(), to, user)); // contiguous: one rectangle
        } else {
            spans.add(new Span(from, to, user));
        }
        end = Math.max(end, to);
    }

    public void mark(int pid, String name, long icount, MarkKind kind, String text) {
        lane(pid, name).marks().add(new Mark(icount, kind, text));
        end = Math.max(end, icount);
    }

    public void irq(long icount, int vector) {
        irqs.add(new Irq(icount, vector));
        end = Math.max(end, icount);
    }

    public void output(long icount, String text) {
        if (!outputs.isEmpty() && outputs.get(outputs.size() - 1).icount() == icount) {
            Output last = outputs.remove(outputs.size() - 1);
            text = last.text() + text;
        }
        outputs.add(new Output(icount, text));
        end = Math.max(end, icount);
    }

    /** The recording's last icount (the axis ends here). */
    public void end(long icount) {
        end = Math.max(end, icount);
    }

    public long end() { return end; }

    /** Lanes by pid. */
    public Map<Integer, Lane> lanes() { return Collections.unmodifiableMap(lanes); }

    public List<Irq> irqs() { return Collections.unmodifiableList(irqs); }

    public List<Output> outputs() { return Collections.unmodifiableList(outputs); }
}
