package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Removes every occurrence of every secret from a slice's bytes, in place: each byte of an
 * occurrence becomes {@link SecretSet#filler()}. The length never changes, so every offset, size,
 * syscall result and pointer the slice records stays true and replay has the best chance to
 * verify; only the values differ.
 *
 * <p>Regions listed consecutively and contiguous in address are scanned as one stream (see
 * {@link Region}), so an occurrence straddling a page boundary is found and removed from both
 * pages. Filling can create a new occurrence (a regex like {@code pass=\w+} still matches
 * {@code pass=XXXX}; {@code abXX} appears when a neighbouring secret became {@code XX}), so a run
 * that changed is scanned again, up to {@value #MAX_ROUNDS} times; {@link FinalScan} remains the
 * judge of the finished file. Time is linear in the bytes (times rounds) plus the occurrences.
 */
public final class Redactor {
    static final int MAX_ROUNDS = 8;

    private final SecretSet secrets;

    public Redactor(SecretSet secrets) {
        this.secrets = secrets;
    }

    public Redaction redact(List<Region> regions) {
        List<Region> list = List.copyOf(regions);
        List<Removal> out = new ArrayList<>();
        if (secrets.isEmpty()) return new Redaction(out, 0, 0, 0);
        byte filler = secrets.filler();
        SecretScanner scanner = secrets.scanner();
        List<Run> runs = runs(list);
        boolean[] dirty = new boolean[runs.size()];
        Arrays.fill(dirty, true);
        int[] occurrences = {0};
        long bytes = 0;
        int rounds = 0;
        boolean again = !runs.isEmpty();
        while (again && rounds < MAX_ROUNDS) {
            rounds++;
            again = false;
            for (int r = 0; r < runs.size(); r++) {
                if (!dirty[r]) continue;
                long changed = runs.get(r).fill(scanner.scan(runs.get(r).chunks()), filler, out, occurrences);
                dirty[r] = changed > 0;
                again |= dirty[r];
                bytes += changed;
            }
        }
        return new Redaction(out, occurrences[0], bytes, rounds);
    }

    private List<Run> runs(List<Region> regions) {
        List<Run> runs = new ArrayList<>();
        for (List<Region> stream : Region.streams(regions)) runs.add(new Run(stream));
        return runs;
    }

    /** Regions read as one stream; positions are offsets from the first region's first byte. */
    private final class Run {
        private final List<Region> regions;
        private final long[] starts;

        Run(List<Region> regions) {
            this.regions = regions;
            this.starts = new long[regions.size() + 1];
            for (int i = 0; i < regions.size(); i++) starts[i + 1] = starts[i] + regions.get(i).bytes().length;
        }

        List<byte[]> chunks() {
            List<byte[]> c = new ArrayList<>(regions.size());
            for (Region r : regions) c.add(r.bytes());
            return c;
        }

        /**
         * Reports and fills every match that still holds a byte other than the filler (all of them
         * are judged before any is filled, so overlapping occurrences are each reported); returns
         * the number of bytes changed.
         */
        long fill(List<Match> matches, byte filler, List<Removal> out, int[] occurrences) {
            List<Match> live = new ArrayList<>();
            for (Match m : matches) if (holdsNonFiller(m, filler)) live.add(m);
            live.sort(Comparator.comparingLong(Match::start).thenComparingInt(Match::secret));
            for (Match m : live) report(m, out, occurrences[0]++);
            long changed = 0;
            for (Match m : live) changed += overwrite(m, filler);
            return changed;
        }

        private boolean holdsNonFiller(Match m, byte filler) {
            for (int k = region(m.start()); k < regions.size() && starts[k] < m.end(); k++) {
                byte[] b = regions.get(k).bytes();
                int lo = (int) Math.max(0, m.start() - starts[k]);
                int hi = (int) Math.min(b.length, m.end() - starts[k]);
                for (int i = lo; i < hi; i++) if (b[i] != filler) return true;
            }
            return false;
        }

        private long overwrite(Match m, byte filler) {
            long changed = 0;
            for (int k = region(m.start()); k < regions.size() && starts[k] < m.end(); k++) {
                byte[] b = regions.get(k).bytes();
                int lo = (int) Math.max(0, m.start() - starts[k]);
                int hi = (int) Math.min(b.length, m.end() - starts[k]);
                for (int i = lo; i < hi; i++) {
                    if (b[i] != filler) {
                        b[i] = filler;
                        changed++;
                    }
                }
            }
            return changed;
        }

        private void report(Match m, List<Removal> out, int occurrence) {
            SecretKind kind = secrets.get(m.secret()).kind();
            for (int k = region(m.start()); k < regions.size() && starts[k] < m.end(); k++) {
                Region r = regions.get(k);
                int lo = (int) Math.max(0, m.start() - starts[k]);
                int hi = (int) Math.min(r.bytes().length, m.end() - starts[k]);
                if (hi <= lo) continue;
                long address = r.address() < 0 ? -1 : r.address() + lo;
                out.add(new Removal(occurrence, m.secret(), kind, r.label(), address, lo, hi - lo));
            }
        }

        /** The region holding run position {@code pos} (the last of several that start there). */
        private int region(long pos) {
            int k = Arrays.binarySearch(starts, pos);
            if (k < 0) return -k - 2;
            while (k + 1 < regions.size() && starts[k + 1] == pos) k++;
            return Math.min(k, regions.size() - 1);
        }
    }
}
