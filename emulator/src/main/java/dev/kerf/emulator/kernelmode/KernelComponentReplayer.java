package dev.kerf.emulator.kernelmode;

import dev.kerf.emulator.usermode.ActivationRun;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Replays one activation of a kernel component on a fresh {@link KernelModeMachine} holding only
 * the component's code and the activation's first loads, at CPL 0, its port inputs served and
 * its port outputs checked by a {@link KernelBus}; {@link ActivationRun} compares the end, EAX,
 * instruction count and writes, and the activation must have made every recorded port access.
 */
public final class KernelComponentReplayer {
    private KernelComponentReplayer() {}

    /**
     * Replays {@code activation}; null when it verified, else what differed (one line). A slice that
     * cannot be set up is a {@link KernelModeException}.
     */
    public static String replay(ComponentImage image, ComponentActivation activation, PortLog ports) {
        List<MemoryWrite> contents = new ArrayList<>(image.code());
        contents.addAll(activation.loads());
        TreeSet<Integer> pages = new TreeSet<>();
        for (List<MemoryWrite> ws : List.of(contents, activation.writes())) {
            for (MemoryWrite w : ws) {
                long first = Integer.toUnsignedLong(w.address()) >>> 12, last = (Integer.toUnsignedLong(w.address()) + w.bytes().length - 1) >>> 12;
                for (long a = first; a <= last; a++) {
                    pages.add((int) a);
                    if (pages.size() > KernelModeMachine.MAX_PAGES) {
                        throw new KernelModeException("the activation touches more pages than a component replay maps (" + KernelModeMachine.MAX_PAGES + ")");
                    }
                }
            }
        }
        KernelBus bus = new KernelBus(ports);
        KernelModeMachine machine = new KernelModeMachine(image, pages, bus);
        for (MemoryWrite w : contents) machine.write(w);
        machine.enter(activation.entry());
        String d = new ActivationRun(image.code(), activation).run(machine.cpu(), KernelModeException.class);
        if (d != null) return d;
        if (bus.consumed() != ports.count()) {
            return "it made " + bus.consumed() + " port accesses, recorded " + ports.count();
        }
        return null;
    }
}
