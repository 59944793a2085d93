package dev.kerf.slicer.privacy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The secrets one slice must not contain, and the processes excluded from it.
 *
 * <ul>
 * <li>A literal ({@code --secret}, or a line of {@code --secret-file}) is searched as its exact
 *     UTF-8 bytes and, when it is text (valid UTF-8), as UTF-16LE and UTF-16BE; case matters. With
 *     {@link #SecretSet(boolean) extra forms} also case-folded, as hex and as base64
 *     ({@link SecretForm}).</li>
 * <li>A regex is matched over the bytes read as ISO-8859-1 (byte b is char b), with Java's
 *     default flags: {@code .} does not cross {@code \n} unless the regex says {@code (?s)}.</li>
 * <li>For an excluded process the slicer hands over what the process holds with
 *     {@link #addProcessBytes}: every distinct run of at least {@value #MIN_PROCESS_RUN} printable
 *     bytes (0x20..0x7e) becomes a literal secret (searched in every encoding, like a
 *     {@code --secret}), and {@link #addProcessValue} adds any other value.</li>
 * </ul>
 * The same bytes named twice are one secret (the first naming wins). The {@link #filler()} byte is
 * chosen so that no secret matches a run of it. Not thread-safe; the order of additions fixes every
 * index, so two runs over the same input name secrets the same way.
 */
public final class SecretSet {
    public static final int MIN_PROCESS_RUN = 4;
    /** Filler candidates, in order of preference (see {@link #filler()}). */
    private static final byte[] FILLERS = {'X', '*', '#', '~', 0x00, (byte) 0xFF};
    private static final int FILLER_PROBE = 64;

    private final List<Secret> secrets = new ArrayList<>();
    /** Literal bytes (as ISO-8859-1 text) and regex sources, to index: finds duplicates. */
    private final Map<String, Integer> known = new LinkedHashMap<>();
    /** Excluded process name to the number of secrets registered for it so far. */
    private final Map<String, Integer> excluded = new LinkedHashMap<>();
    private final boolean extraForms;
    private byte[] salt;
    private SecretScanner scanner;
    private Byte filler;

    /** Secrets searched in their encodings only (UTF-8, UTF-16LE, UTF-16BE). */
    public SecretSet() {
        this(false);
    }

    /** With {@code extraForms} ({@code --secret-forms}) every literal is also searched case-folded, as hex and as base64. */
    public SecretSet(boolean extraForms) {
        this.extraForms = extraForms;
    }

    /**
     * The salt of this file's {@link Fingerprints}: 16 bytes from {@link java.security.SecureRandom}
     * on first use, unless {@link #useSalt} set one. An output of the slicer, not replayed state, so
     * its randomness costs no determinism: the same cut twice differs in the salt and the digests only.
     */
    public byte[] salt() {
        if (salt == null) {
            salt = new byte[dev.kerf.formats.slice.FingerprintSection.SALT_BYTES];
            new java.security.SecureRandom().nextBytes(salt);
        }
        return salt.clone();
    }

    /** Fixes the salt (tests, and tools that must reproduce a file byte for byte). */
    public void useSalt(byte[] fixed) {
        if (fixed.length != dev.kerf.formats.slice.FingerprintSection.SALT_BYTES)
            throw new IllegalArgumentException("a salt is " + dev.kerf.formats.slice.FingerprintSection.SALT_BYTES + " bytes");
        salt = fixed.clone();
    }

    /** Fingerprints of every literal under {@link #salt()}, or null when there is no literal. */
    public Fingerprints fingerprints() {
        return Fingerprints.of(this, salt());
    }

    /**
     * {@code text} with every occurrence of every secret replaced by the filler: for names kerf
     * writes (the recording's name, a process name, a label), so that a secret in a name costs the
     * name, not the file.
     */
    public String redactText(String text) {
        return new TextSanitizer(this).clean(text);
    }

    /** Whether literals are searched in the {@link SecretForm#extra() extra} forms too. */
    public boolean extraForms() { return extraForms; }

    /** A {@code --secret}: non-empty. */
    public Secret addLiteral(String value) {
        if (value.isEmpty()) throw new IllegalArgumentException("a secret cannot be empty");
        return addBytes(SecretKind.LITERAL, "--secret", "--secret", value.getBytes(StandardCharsets.UTF_8), value);
    }

    /** One line of a secret file, as raw bytes; {@code origin} says which file and line ({@code --secret-file s.txt:3}). */
    public Secret addFileLine(byte[] line, String origin) {
        int colon = origin.lastIndexOf(':');
        return addFileLine(line, origin, colon > 0 ? origin.substring(0, colon) : origin);
    }

    /** As {@link #addFileLine(byte[], String)}; {@code group} names the file alone ({@code --secret-file s.txt}). */
    public Secret addFileLine(byte[] line, String origin, String group) {
        if (line.length == 0) throw new IllegalArgumentException("a secret cannot be empty");
        return addBytes(SecretKind.FILE_LINE, origin, group, line.clone(), utf8OrNull(line));
    }

    /** A {@code --secret-regex}; an invalid regex is an {@link IllegalArgumentException} saying why. */
    public Secret addRegex(String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex: " + e.getDescription() + " near index " + e.getIndex());
        }
        Integer dup = known.get("re:" + regex);
        if (dup != null) return secrets.get(dup);
        Secret s = new Secret(secrets.size(), SecretKind.REGEX, "--secret-regex", "--secret-regex", List.of(), p);
        known.put("re:" + regex, s.index());
        return add(s);
    }

    /** {@code --exclude-process NAME}: the slicer registers what NAME holds with {@link #addProcessBytes}. */
    public void excludeProcess(String name) {
        if (name.isEmpty()) throw new IllegalArgumentException("a process name cannot be empty");
        excluded.putIfAbsent(name, 0);
    }

    public boolean isExcluded(String name) { return excluded.containsKey(name); }

    /** Excluded names in the order given. */
    public List<String> excludedProcesses() { return List.copyOf(excluded.keySet()); }

    /**
     * Excluded names nothing was registered for: the slicer found no such process, or it held
     * nothing. The slicer decides whether that is an error (a misspelt name usually is).
     */
    public List<String> exclusionsWithoutBytes() {
        List<String> out = new ArrayList<>();
        excluded.forEach((n, c) -> { if (c == 0) out.add(n); });
        return out;
    }

    /** What an excluded process holds: each distinct printable run of >= 4 bytes becomes a secret. */
    public int addProcessBytes(String process, byte[] bytes) {
        return addProcessBytes(process, bytes, 0, bytes.length);
    }

    /** As {@link #addProcessBytes(String, byte[])} for {@code bytes[from, from + length)}; returns new secrets. */
    public int addProcessBytes(String process, byte[] bytes, int from, int length) {
        requireExcluded(process);
        int before = secrets.size();
        int end = Math.addExact(from, length);
        int run = -1;
        for (int i = from; i <= end; i++) {
            boolean printable = i < end && bytes[i] >= 0x20 && bytes[i] <= 0x7e;
            if (printable && run < 0) run = i;
            if (!printable && run >= 0) {
                if (i - run >= MIN_PROCESS_RUN) addProcessSecret(process, Arrays.copyOfRange(bytes, run, i));
                run = -1;
            }
        }
        return secrets.size() - before;
    }

    /** A value an excluded process holds, searched exactly (any bytes, any length >= 1). */
    public Secret addProcessValue(String process, byte[] value) {
        requireExcluded(process);
        if (value.length == 0) throw new IllegalArgumentException("a secret cannot be empty");
        int before = secrets.size();
        Secret s = addBytes(SecretKind.PROCESS, "process " + process, "process " + process, value.clone(), utf8OrNull(value));
        if (secrets.size() > before) excluded.merge(process, 1, Integer::sum);
        return s;
    }

    private void addProcessSecret(String process, byte[] run) {
        int before = secrets.size();
        // a printable run is ASCII text: searched wide too (a Windows-style program stores it as UTF-16)
        addBytes(SecretKind.PROCESS, "process " + process, "process " + process, run, new String(run, StandardCharsets.ISO_8859_1));
        if (secrets.size() > before) excluded.merge(process, 1, Integer::sum);
    }

    private void requireExcluded(String process) {
        if (!excluded.containsKey(process))
            throw new IllegalArgumentException("process " + process + " was not excluded (excludeProcess first)");
    }

    /** All secrets, by index. */
    public List<Secret> secrets() { return Collections.unmodifiableList(secrets); }

    public int size() { return secrets.size(); }

    public boolean isEmpty() { return secrets.isEmpty(); }

    public Secret get(int index) { return secrets.get(index); }

    /**
     * The byte every removed byte becomes: the first of {@code X * # ~ 0x00 0xff} that no secret
     * matches when repeated (1 to 64 times), so a removed occurrence can never still match.
     * {@code 'X'} first: it keeps C strings their length (0x00 would shorten them and change what
     * strlen-driven code does) and shows as a removal in a dump.
     */
    public byte filler() {
        if (filler != null) return filler;
        for (byte f : FILLERS) if (fillerSafe(f)) return filler = f;
        throw new IllegalStateException("every filler byte (X * # ~ 0x00 0xff) is itself matched by a secret; "
                + "name narrower secrets");
    }

    private boolean fillerSafe(byte f) {
        for (Secret s : secrets) {
            for (byte[] p : s.patterns()) if (allOf(p, f)) return false;
            for (byte[] p : s.foldedPatterns()) if (allOf(p, SecretForm.fold(f))) return false;
            if (s.regex() != null) {
                byte[] run = new byte[FILLER_PROBE];
                Arrays.fill(run, f);
                String text = new String(run, StandardCharsets.ISO_8859_1);
                for (int n = 1; n <= FILLER_PROBE; n++) if (s.regex().matcher(text.substring(0, n)).find()) return false;
            }
        }
        return true;
    }

    private static boolean allOf(byte[] p, byte f) {
        for (byte b : p) if (b != f) return false;
        return true;
    }

    /** The matcher over every secret, rebuilt after an addition. */
    SecretScanner scanner() {
        if (scanner == null) scanner = new SecretScanner(secrets);
        return scanner;
    }

    private Secret addBytes(SecretKind kind, String origin, String group, byte[] utf8OrRaw, String text) {
        String key = "b:" + new String(utf8OrRaw, StandardCharsets.ISO_8859_1);
        Integer dup = known.get(key);
        if (dup != null) return secrets.get(dup);
        List<Secret.FormBytes> forms = new ArrayList<>();
        for (SecretForm f : SecretForm.values()) {
            if (f.extra() && !extraForms) continue;
            for (byte[] b : f.bytesOf(utf8OrRaw, text)) {
                boolean seen = false;
                for (Secret.FormBytes o : forms) seen |= o.form().folded() == f.folded() && Arrays.equals(o.bytes(), b);
                if (!seen) forms.add(new Secret.FormBytes(f, b));
            }
        }
        Secret s = new Secret(secrets.size(), kind, origin, group, forms, null);
        known.put(key, s.index());
        return add(s);
    }

    private Secret add(Secret s) {
        secrets.add(s);
        scanner = null;
        filler = null;
        return s;
    }

    private static String utf8OrNull(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
