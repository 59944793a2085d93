package dev.kerf.slicer.privacy;

import java.util.Arrays;
import java.util.List;

/**
 * Byte arrays read end to end as one ISO-8859-1 text (byte b is char b), without copying, so a
 * regex sees across the seam between adjacent pages. Regex engines read mostly forward, so the
 * chunk last looked up is tried first.
 */
final class Latin1Chars implements CharSequence {
    private final List<byte[]> chunks;
    private final long[] starts;
    private final int length;
    private int last;

    Latin1Chars(List<byte[]> chunks) {
        this.chunks = chunks;
        this.starts = new long[chunks.size() + 1];
        for (int i = 0; i < chunks.size(); i++) starts[i + 1] = starts[i] + chunks.get(i).length;
        if (starts[chunks.size()] > Integer.MAX_VALUE)
            throw new IllegalArgumentException("more than 2 GiB of adjacent bytes in one run");
        this.length = (int) starts[chunks.size()];
    }

    @Override
    public int length() { return length; }

    @Override
    public char charAt(int i) {
        if (i < starts[last] || i >= starts[last + 1]) last = chunkOf(i);
        return (char) (chunks.get(last)[(int) (i - starts[last])] & 0xFF);
    }

    private int chunkOf(int i) {
        if (i < 0 || i >= length) throw new IndexOutOfBoundsException(i);
        int k = Arrays.binarySearch(starts, i);
        if (k < 0) return -k - 2;
        while (k + 1 < starts.length - 1 && starts[k + 1] == i) k++; // skip empty chunks
        return k;
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        StringBuilder sb = new StringBuilder(end - start);
        for (int i = start; i < end; i++) sb.append(charAt(i));
        return sb.toString();
    }

    @Override
    public String toString() { return subSequence(0, length).toString(); }
}
