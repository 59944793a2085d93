package dev.kerf.slicer.process;

import dev.kerf.emulator.usermode.MemoryWrite;

import java.util.Arrays;
import java.util.List;

/**
 * The bytes that differ between two versions of one page, as writes. Runs closer than
 * {@value #GAP} bytes are joined (one write header costs more than a few unchanged bytes), and a
 * run that ends at the page's end is joined with one that starts the next page.
 */
final class MemoryDiff {
    static final int GAP = 8;
    static final byte[] ZERO_PAGE = new byte[4096];

    private MemoryDiff() {}

    /** Appends to {@code out} the writes that turn {@code before} into page {@code page}'s bytes {@code after}. */
    static void diff(int page, byte[] before, byte[] after, int afterOffset, List<MemoryWrite> out) {
        int i = 0;
        while (i < 4096) {
            if (before[i] == after[afterOffset + i]) {
                i++;
                continue;
            }
            int start = i, end = i + 1, same = 0;
            for (int j = i + 1; j < 4096 && same < GAP; j++) {
                if (before[j] == after[afterOffset + j]) {
                    same++;
                } else {
                    same = 0;
                    end = j + 1;
                }
            }
            add(out, (page << 12) + start, Arrays.copyOfRange(after, afterOffset + start, afterOffset + end));
            i = end;
        }
    }

    private static void add(List<MemoryWrite> out, int address, byte[] bytes) {
        if (!out.isEmpty()) {
            MemoryWrite last = out.get(out.size() - 1);
            if (last.address() + last.bytes().length == address && (address & 0xFFF) == 0) {
                byte[] joined = Arrays.copyOf(last.bytes(), last.bytes().length + bytes.length);
                System.arraycopy(bytes, 0, joined, last.bytes().length, bytes.length);
                out.set(out.size() - 1, new MemoryWrite(last.address(), joined));
                return;
            }
        }
        out.add(new MemoryWrite(address, bytes));
    }
}
