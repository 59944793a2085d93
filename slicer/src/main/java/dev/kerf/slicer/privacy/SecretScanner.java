package dev.kerf.slicer.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Finds every occurrence of every secret of a {@link SecretSet} in a run of byte arrays read as one
 * stream: literals through one {@link LiteralAutomaton} (all overlapping occurrences), regexes with
 * {@link Matcher#find()} (leftmost, non-overlapping, zero-length matches ignored).
 */
final class SecretScanner {
    private final LiteralAutomaton automaton;
    private final int[] patternSecret;
    private final List<Secret> regexes = new ArrayList<>();
    private final int patternCount;

    SecretScanner(List<Secret> secrets) {
        List<byte[]> patterns = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (Secret s : secrets) {
            if (s.regex() != null) regexes.add(s);
            for (byte[] p : s.patterns()) {
                patterns.add(p);
                owner.add(s.index());
            }
        }
        automaton = new LiteralAutomaton(patterns);
        patternSecret = owner.stream().mapToInt(Integer::intValue).toArray();
        patternCount = patterns.size() + regexes.size();
    }

    /** Byte patterns plus regexes: what the manifest calls "patterns". */
    int patternCount() { return patternCount; }

    /** Every occurrence in {@code chunks} read end to end; literal matches come out in end order. */
    List<Match> scan(List<byte[]> chunks) {
        List<Match> out = new ArrayList<>();
        scanLiterals(chunks, out);
        if (!regexes.isEmpty()) scanRegexes(new Latin1Chars(chunks), out);
        return out;
    }

    private void scanLiterals(List<byte[]> chunks, List<Match> out) {
        int s = LiteralAutomaton.ROOT;
        long pos = 0;
        for (byte[] chunk : chunks) {
            for (int i = 0; i < chunk.length; i++) {
                s = automaton.step(s, chunk[i]);
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

    private void scanRegexes(Latin1Chars text, List<Match> out) {
        for (Secret r : regexes) {
            Matcher m = r.regex().matcher(text);
            while (m.find()) {
                if (m.end() > m.start()) out.add(new Match(r.index(), m.start(), m.end() - m.start()));
            }
        }
    }
}
