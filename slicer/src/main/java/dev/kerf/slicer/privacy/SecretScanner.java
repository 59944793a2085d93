package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Finds every occurrence of every secret of a {@link SecretSet} in a run of byte arrays read as one
 * stream: literals through one {@link LiteralAutomaton} (all overlapping occurrences) — a second one
 * for the {@link SecretForm#folded() folded} forms, fed the data with ASCII letters lowered —,
 * regexes with {@link Matcher#find()} (leftmost, non-overlapping, zero-length matches ignored).
 */
final class SecretScanner {
    private final Literals exact;
    private final Literals folded;
    private final List<Secret> regexes = new ArrayList<>();
    private final int patternCount;

    /**
     * Above this many patterns a {@link LengthIndex} replaces the automaton: both find exactly the
     * same occurrences; the automaton scans faster, the index builds in a fraction of the time and
     * memory (300,000 patterns: seconds and hundreds of MB for the automaton).
     */
    static final int AUTOMATON_LIMIT = 20_000;

    /** One automaton (or index) and the secret each of its patterns belongs to. */
    private record Literals(LiteralAutomaton automaton, LengthIndex index, int[] owner, boolean fold, List<byte[]> patterns) {
        static Literals of(List<Secret> secrets, boolean fold, int limit) {
            List<byte[]> patterns = new ArrayList<>();
            List<Integer> owner = new ArrayList<>();
            for (Secret s : secrets) {
                for (byte[] p : fold ? s.foldedPatterns() : s.patterns()) {
                    patterns.add(p);
                    owner.add(s.index());
                }
            }
            int[] own = owner.stream().mapToInt(Integer::intValue).toArray();
            if (patterns.size() > limit) return new Literals(null, new LengthIndex(patterns), own, fold, patterns);
            return new Literals(new LiteralAutomaton(patterns), null, own, fold, patterns);
        }

        boolean isEmpty() { return owner.length == 0; }
    }

    SecretScanner(List<Secret> secrets) {
        this(secrets, AUTOMATON_LIMIT);
    }

    /** {@code limit}: patterns above which the {@link LengthIndex} is used (tests compare the two). */
    SecretScanner(List<Secret> secrets, int limit) {
        for (Secret s : secrets) if (s.regex() != null) regexes.add(s);
        exact = Literals.of(secrets, false, limit);
        folded = Literals.of(secrets, true, limit);
        patternCount = exact.owner().length + folded.owner().length + regexes.size();
    }

    /** Byte patterns plus regexes: what the manifest calls "patterns". */
    int patternCount() { return patternCount; }

    /** Every occurrence in {@code chunks} read end to end; in no particular order (callers sort). */
    List<Match> scan(List<byte[]> chunks) {
        List<Match> out = new ArrayList<>();
        if (!exact.isEmpty()) scanLiterals(exact, chunks, out);
        if (!folded.isEmpty()) scanLiterals(folded, chunks, out);
        if (!regexes.isEmpty()) scanRegexes(new Latin1Chars(chunks), out);
        return out;
    }

    private static void scanLiterals(Literals literals, List<byte[]> chunks, List<Match> out) {
        if (literals.index() != null) {
            byte[] all = chunks.size() == 1 ? chunks.get(0) : concat(chunks);
            int[] owner = literals.owner();
            literals.index().scan(all, literals.fold(), (p, start) -> out.add(new Match(owner[p], start, literals.patterns().get(p).length)));
            return;
        }
        LiteralAutomaton automaton = literals.automaton();
        int[] patternSecret = literals.owner();
        boolean fold = literals.fold();
        int s = LiteralAutomaton.ROOT;
        long pos = 0;
        for (byte[] chunk : chunks) {
            for (int i = 0; i < chunk.length; i++) {
                s = automaton.step(s, fold ? SecretForm.fold(chunk[i]) : chunk[i]);
                for (int n = automaton.firstMatch(s); n >= 0; n = automaton.nextMatchNode(n)) {
                    for (int p = automaton.outputAt(n); p >= 0; p = automaton.nextOutput(p)) {
                        int len = automaton.patternLength(p);
                        out.add(new Match(patternSecret[p], pos + i + 1 - len, len));
                    }
                }
            }
            pos += chunk.length;
        }
    }

    private static byte[] concat(List<byte[]> chunks) {
        int n = 0;
        for (byte[] c : chunks) n = Math.addExact(n, c.length);
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }

    private void scanRegexes(Latin1Chars text, List<Match> out) {
        for (Secret r : regexes) {
            Matcher m = r.regex().matcher(text);
            while (m.find()) {
                if (m.end() > m.start()) out.add(new Match(r.index(), m.start(), m.end() - m.start()));
            }
        }
    }
}
