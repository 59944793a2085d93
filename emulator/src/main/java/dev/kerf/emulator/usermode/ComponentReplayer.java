package dev.kerf.emulator.usermode;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Replays one {@link ComponentActivation} of a user-mode component on a fresh
 * {@link UserModeMachine} that holds only the component's code and the activation's first loads
 * (every other byte is zero or unmapped), at CPL 3; {@link ActivationRun} runs and compares it.
 */
public final class ComponentReplayer {
    /** 256 MiB of frames: a hostile file cannot make the replayer allocate more. */
    private static final int MAX_PAGES = 1 << 16;

    private ComponentReplayer() {}

    /**
     * Replays {@code activation}; null when it verified, else what differed (one line). A slice that
     * cannot be set up is a {@link UserModeException}.
     */
    public static String replay(ComponentImage image, ComponentActivation activation) {
        List<MemoryWrite> contents = new ArrayList<>(image.code());
        contents.addAll(activation.loads());
        TreeSet<Integer> pages = new TreeSet<>();
        for (List<MemoryWrite> ws : List.of(contents, activation.writes())) {
            for (MemoryWrite w : ws) {
                for (long a = Integer.toUnsignedLong(w.address()) >>> 12; a <= (Integer.toUnsignedLong(w.address()) + w.bytes().length - 1) >>> 12; a++) {
                    pages.add((int) a);
                }
            }
        }
        if (pages.size() > MAX_PAGES) {
            throw new UserModeException("the activation touches " + pages.size() + " pages, more than a component replay maps (" + MAX_PAGES + ")");
        }
        List<PageMapping> mappings = new ArrayList<>();
        for (int p : pages) mappings.add(new PageMapping(p, true));
        int[] segments = activation.segments() != null ? activation.segments() : image.segments();
        ProcessImage process = new ProcessImage(activation.pid(), "component", image.cr0(), image.cr4(), segments, new int[0],
                List.of(), activation.entry(), mappings, contents);
        UserModeMachine machine = new UserModeMachine(new ProcessSlice(process, List.of()));
        for (PageMapping m : mappings) machine.map(m);
        for (MemoryWrite w : contents) machine.write(w);
        machine.enterUser(activation.entry(), 0);
        return new ActivationRun(image.code(), activation).run(machine.cpu(), UserModeException.class);
    }
}
