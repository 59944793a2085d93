package dev.kerf.slicer.component;

import dev.kerf.emulator.kernelmode.PortLog;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;
import dev.kerf.emulator.usermode.MemoryWrite;

import java.util.List;

/**
 * A component slice's content: the shared image (settings, code), every activation in entry
 * order and, for a kernel component, each activation's port log (same order; empty for user
 * components, which cannot reach ports).
 *
 * @param kernel whether the component is kernel code (replayed at CPL 0 with its port log)
 */
public record ComponentSlice(boolean kernel, ComponentImage image, List<ComponentActivation> activations, List<PortLog> ports) {
    public ComponentSlice {
        activations = List.copyOf(activations);
        ports = List.copyOf(ports);
        if (kernel ? ports.size() != activations.size() : !ports.isEmpty()) {
            throw new IllegalArgumentException(kernel ? "a kernel component slice has one port log per activation" : "a user component has no port logs");
        }
    }

    /** A user-mode component's slice. */
    public ComponentSlice(ComponentImage image, List<ComponentActivation> activations) {
        this(false, image, activations, List.of());
    }

    /** Bytes of first loads over all activations. */
    public long loadedBytes() {
        long n = 0;
        for (ComponentActivation a : activations) n += a.loadedBytes();
        return n;
    }

    /** Bytes written over all activations. */
    public long writtenBytes() {
        long n = 0;
        for (ComponentActivation a : activations) n += a.writtenBytes();
        return n;
    }

    /** Code bytes carried. */
    public long codeBytes() {
        return MemoryWrite.totalBytes(image.code());
    }

    /** Bytes of port input (IN values) over all activations. */
    public long portInputBytes() {
        long n = 0;
        for (PortLog p : ports) n += p.inputBytes().length;
        return n;
    }

    /** Bytes of port output (OUT values, checked on replay) over all activations. */
    public long portOutputBytes() {
        long n = 0;
        for (PortLog p : ports) n += p.outputBytes().length;
        return n;
    }

    /** Port accesses over all activations. */
    public long portAccesses() {
        long n = 0;
        for (PortLog p : ports) n += p.count();
        return n;
    }
}
