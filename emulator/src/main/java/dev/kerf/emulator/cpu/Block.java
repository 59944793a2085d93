package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.Decoded;

/**
 * A translated guest basic block: straight-line instructions from one entry EIP within one
 * physical page (see {@link Translator}). A block with no instructions is a marker: "the
 * instruction here is left to the interpreter", so the decoder is not asked again.
 */
final class Block {
    /** Entry as a CS offset, CS base and CS.D it was translated for, and the physical address of its first byte. */
    final int eip, csBase, phys;
    final boolean big;
    final Decoded[] insns;
    /** Instructions in the block (0 for a marker). */
    final int length;
    /** Cleared when its page is written or the cache is flushed; a cleared block is never run again. */
    boolean valid = true;
    /** The compiled form, or null until it is compiled or found in the {@link CodeCache}. */
    BlockCode code;
    /** The compiled observed form (instruction hooks registered), or null. */
    BlockCode observedCode;
    /**
     * Its content's entry in the translator's {@link CodeCache} (null for a marker): the forms
     * compiled from the same bytes by any CPU of the process, and the runs that decide when to compile.
     */
    CodeCache.Entry shared;
    /** Runs of the whole block by the interpreter before it was compiled, and per instruction how often it left the block there (a Jcc taken). */
    int stepped;
    int[] exits;

    /**
     * How many of its instructions to compile: all, unless the interpreted runs left it at a
     * side exit more often than they went past it; then up to and including that jump (the
     * rest of the trace would be code that rarely runs, compiled for nothing, docs §2).
     */
    int compiledLength() {
        if (exits == null) return length;
        int reached = stepped;
        for (int k = 0; k < length - 1; k++) {
            if (exits[k] * 2L > reached) return k + 1;
            reached -= exits[k];
        }
        return length;
    }

    /** Blocks seen to follow this one (chaining guesses, checked at each use; see Translator#run). */
    Block next0, next1;

    Block(int eip, int csBase, int phys, boolean big, Decoded[] insns) {
        this.eip = eip;
        this.csBase = csBase;
        this.phys = phys;
        this.big = big;
        this.insns = insns;
        this.length = insns.length;
    }

    /** The compiled form for running with hooks ({@code observed}) or without, or null. */
    BlockCode code(boolean observed) {
        return observed ? observedCode : code;
    }

    /** Physical page number of the block (all its bytes are in it). */
    int page() {
        return phys >>> 12;
    }
}
