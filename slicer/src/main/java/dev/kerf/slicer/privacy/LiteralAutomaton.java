package dev.kerf.slicer.privacy;

import java.util.Arrays;
import java.util.List;

/**
 * Aho-Corasick over bytes: finds every occurrence of every pattern, overlapping ones included, in
 * one pass — time linear in the input plus the matches, whatever the number of patterns (an
 * excluded process can contribute thousands). Memory is a few ints per pattern byte: children are
 * sibling lists, except the root's, which is a dense table because nearly every step passes it.
 * State is an int, so a scan can carry on from one byte array into the next (adjacent pages).
 */
final class LiteralAutomaton {
    static final int ROOT = 0;

    private int size = 1;
    private byte[] label = new byte[64];
    private int[] firstChild = filled(64);
    private int[] nextSibling = filled(64);
    private int[] fail = new int[64];
    /** First pattern ending exactly at this node, or -1; more in {@link #nextOutput}. */
    private int[] output = filled(64);
    /** Nearest proper suffix node (by fail links) that has an output, or -1. */
    private int[] dictLink = filled(64);
    private final int[] rootNext = new int[256];
    private final int[] nextOutput;
    private final int[] patternLength;

    LiteralAutomaton(List<byte[]> patterns) {
        nextOutput = new int[patterns.size()];
        patternLength = new int[patterns.size()];
        for (int p = 0; p < patterns.size(); p++) insert(p, patterns.get(p));
        link();
    }

    int patternLength(int pattern) { return patternLength[pattern]; }

    /** The state after reading {@code b} in state {@code s}. */
    int step(int s, byte b) {
        while (true) {
            if (s == ROOT) return rootNext[b & 0xFF];
            int c = child(s, b);
            if (c >= 0) return c;
            s = fail[s];
        }
    }

    /** First pattern that ends at state {@code s} (directly or as a suffix), or -1. */
    int firstMatch(int s) {
        return output[s] >= 0 ? s : dictLink[s];
    }

    /** Patterns ending at {@code node}, a node returned by {@link #firstMatch} or {@link #nextMatchNode}. */
    int outputAt(int node) { return output[node]; }

    int nextOutput(int pattern) { return nextOutput[pattern]; }

    int nextMatchNode(int node) { return dictLink[node]; }

    private void insert(int pattern, byte[] bytes) {
        if (bytes.length == 0) throw new IllegalArgumentException("empty pattern");
        patternLength[pattern] = bytes.length;
        int s = ROOT;
        for (byte b : bytes) {
            int c = child(s, b);
            if (c < 0) c = addChild(s, b);
            s = c;
        }
        nextOutput[pattern] = output[s];
        output[s] = pattern;
    }

    private int child(int s, byte b) {
        for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) if (label[c] == b) return c;
        return -1;
    }

    private int addChild(int parent, byte b) {
        if (size == label.length) grow();
        int c = size++;
        label[c] = b;
        firstChild[c] = -1;
        output[c] = -1;
        dictLink[c] = -1;
        nextSibling[c] = firstChild[parent];
        firstChild[parent] = c;
        return c;
    }

    /** Breadth-first: fail links, dictionary links and the root's dense table. */
    private void link() {
        int[] queue = new int[size];
        int head = 0, tail = 0;
        for (int b = 0; b < 256; b++) rootNext[b] = ROOT;
        for (int c = firstChild[ROOT]; c >= 0; c = nextSibling[c]) {
            rootNext[label[c] & 0xFF] = c;
            fail[c] = ROOT;
            queue[tail++] = c;
        }
        while (head < tail) {
            int s = queue[head++];
            for (int c = firstChild[s]; c >= 0; c = nextSibling[c]) {
                int f = step(fail[s], label[c]);
                fail[c] = f;
                dictLink[c] = output[f] >= 0 ? f : dictLink[f];
                queue[tail++] = c;
            }
        }
    }

    private void grow() {
        int n = label.length * 2;
        label = Arrays.copyOf(label, n);
        firstChild = Arrays.copyOf(firstChild, n);
        nextSibling = Arrays.copyOf(nextSibling, n);
        fail = Arrays.copyOf(fail, n);
        output = Arrays.copyOf(output, n);
        dictLink = Arrays.copyOf(dictLink, n);
    }

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }
}
