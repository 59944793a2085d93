package dev.kerf.slicer.component;

import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.ComponentImage;

import java.util.List;

/** A component slice's content: the shared image (settings, code) and every activation in entry order. */
public record ComponentSlice(ComponentImage image, List<ComponentActivation> activations) {
    public ComponentSlice {
        activations = List.copyOf(activations);
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
        long n = 0;
        for (var w : image.code()) n += w.bytes().length;
        return n;
    }
}
