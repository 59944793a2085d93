package dev.kerf.emulator.usermode;

import java.util.ArrayList;
import java.util.List;

/**
 * A process slice (design §7): the process's user-mode execution only. Its image at the start,
 * then every exit from user mode in order, each with what the rest of the system did before the
 * process ran again. Nothing of the kernel or of other processes is in it by construction.
 */
public record ProcessSlice(ProcessImage start, List<Transition> transitions) {
    public ProcessSlice {
        transitions = List.copyOf(transitions);
        long last = 0;
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            if (t.userIcount() < last) throw new IllegalArgumentException("transition " + i + " goes back in user icount");
            if (t.back() == null && i != transitions.size() - 1) throw new IllegalArgumentException("transition " + i + " never returns but is not the last");
            last = t.userIcount();
        }
    }

    /** User instructions the slice covers (the count at its last exit). */
    public long userInstructions() {
        return transitions.isEmpty() ? 0 : transitions.get(transitions.size() - 1).userIcount();
    }

    /**
     * Every byte region the slice carries, in slice order, for a redactor (see {@link SliceRegion}):
     * initial registers and memory, then for each return its memory writes and registers.
     */
    public List<SliceRegion> regions() {
        List<SliceRegion> out = new ArrayList<>();
        out.add(new SliceRegion(SliceRegion.Kind.INITIAL_REGISTERS, "initial registers", 0, -1, start.registers().bytes()));
        for (MemoryWrite w : start.contents()) {
            out.add(new SliceRegion(SliceRegion.Kind.INITIAL_MEMORY, String.format("initial memory at 0x%08x", w.address()), 0,
                    w.address(), w.bytes()));
        }
        for (int i = 0; i < transitions.size(); i++) {
            Transition t = transitions.get(i);
            if (t.back() == null) continue;
            String after = "return " + i + " after " + t.exit().describe();
            for (MemoryWrite w : t.back().writes()) {
                out.add(new SliceRegion(SliceRegion.Kind.RETURN_MEMORY, String.format("%s: bytes at 0x%08x", after, w.address()),
                        t.userIcount(), w.address(), w.bytes()));
            }
            out.add(new SliceRegion(SliceRegion.Kind.RETURN_REGISTERS, after + ": registers", t.userIcount(), -1,
                    t.back().registers().bytes()));
        }
        return out;
    }
}
